/**
 * What happens to the job a worker is processing when ECS stops the worker (a scale-in, a
 * deployment, a Fargate maintenance event).
 *
 * ECS sends SIGTERM, waits the container's `stopTimeout`, then SIGKILLs. Fargate caps
 * `stopTimeout` at 120 seconds, so a job that may run longer cannot simply be finished after
 * SIGTERM on Fargate: pick {@link InFlightJobHandling.PROTECT_TASK} or
 * {@link InFlightJobHandling.RETURN_TO_QUEUE} for those.
 *
 * The choice is passed to the worker in the `IN_FLIGHT_JOBS` environment variable; the worker
 * code must implement its side (see the lane README).
 */
export enum InFlightJobHandling {
  /**
   * The worker finishes the job it holds after SIGTERM, then exits. The container's
   * `stopTimeout` is set to the job timeout, which must fit the platform's limit (120 s on
   * Fargate): a longer job timeout on Fargate is a LaneValidationError.
   */
  FINISH = 'finish',

  /**
   * On SIGTERM the worker stops polling and hands its job back (`ChangeMessageVisibility` to 0,
   * or simply exits and lets the visibility timeout expire); another worker picks it up.
   * `stopTimeout` is the job timeout capped at the platform limit (120 s on Fargate) so the
   * worker has time to release the message and clean up.
   *
   * An interrupted job counts as one receive towards `maxReceiveCount`: leave room for
   * interruptions when you size it.
   */
  RETURN_TO_QUEUE = 'return-to-queue',

  /**
   * The worker turns on ECS task scale-in protection (`PUT $ECS_AGENT_URI/task-protection/v1/state`)
   * while it holds a job and turns it off when done, so scale-in and deployments wait for the job
   * (protection lasts up to 48 hours). The task role is granted `ecs:UpdateTaskProtection` and
   * `ecs:GetTaskProtection` on the cluster's tasks. `stopTimeout` is the job timeout capped at the
   * platform limit, for stops that protection does not cover (Spot reclaim, maintenance): there
   * the worker should return the job as in {@link InFlightJobHandling.RETURN_TO_QUEUE}.
   */
  PROTECT_TASK = 'protect-task',
}
