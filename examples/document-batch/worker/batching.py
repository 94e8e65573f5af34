"""Reference batch collection for QueueDrainedWorkers with dynamic batching.

The lane renders a DynamicBatching into the worker's environment (lib/batch-workers/README.md,
"Dynamic batching"); this module is the worker's side of that contract:

    BATCH_MAX_SIZE                    jobs per batch (the batch runs as one inference)
    BATCH_MAX_DELAY_MS                longest wait after the first job for the batch to fill
    BATCH_RECEIVE_MAX_MESSAGES        MaxNumberOfMessages of each ReceiveMessage (1-10)
    BATCH_RECEIVE_WAIT_SECONDS        WaitTimeSeconds of the receives that fill a batch (0-20)
    BATCH_VISIBILITY_TIMEOUT_SECONDS  VisibilityTimeout of each receive: covers the fill delay and the batch

    import boto3
    from batching import BatchSettings, collect_batch
    sqs = boto3.client("sqs")
    settings = BatchSettings.from_environment()
    while not stopping:
        batch = collect_batch(sqs, os.environ["JOB_QUEUE_URL"], settings)
        if batch:
            results = model.predict([m["Body"] for m in batch])   # one inference for the batch
            ...write each result or failure report, then delete_message_batch in groups of 10
"""
import os
import time
from dataclasses import dataclass

FIRST_RECEIVE_WAIT_SECONDS = 20  # long-poll for the first job of a batch (SQS maximum)


@dataclass(frozen=True)
class BatchSettings:
    max_size: int
    max_delay_ms: int
    receive_max_messages: int
    receive_wait_seconds: int
    visibility_timeout_seconds: int

    @staticmethod
    def from_environment(env=None):
        env = os.environ if env is None else env
        return BatchSettings(
            max_size=int(env["BATCH_MAX_SIZE"]),
            max_delay_ms=int(env["BATCH_MAX_DELAY_MS"]),
            receive_max_messages=int(env["BATCH_RECEIVE_MAX_MESSAGES"]),
            receive_wait_seconds=int(env["BATCH_RECEIVE_WAIT_SECONDS"]),
            visibility_timeout_seconds=int(env["BATCH_VISIBILITY_TIMEOUT_SECONDS"]),
        )


def collect_batch(sqs, queue_url, settings, first_wait_seconds=FIRST_RECEIVE_WAIT_SECONDS,
                  clock=time.monotonic, stopping=lambda: False):
    """Receive up to settings.max_size messages: wait for a first one, then keep receiving until the
    batch is full or max_delay_ms have passed since the first one arrived (or the worker is stopping:
    it then runs what it holds). Returns the messages (empty when none arrived)."""
    def receive(count, wait):
        return sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=max(1, min(count, settings.receive_max_messages)),
            WaitTimeSeconds=wait,
            VisibilityTimeout=settings.visibility_timeout_seconds,
            AttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])

    batch = receive(settings.max_size, first_wait_seconds)
    if not batch:
        return []
    deadline = clock() + settings.max_delay_ms / 1000.0
    while len(batch) < settings.max_size and not stopping():
        remaining = deadline - clock()
        if remaining <= 0:
            break
        wait = min(settings.receive_wait_seconds, int(remaining))
        more = receive(settings.max_size - len(batch), wait)
        if not more and wait == 0:
            time.sleep(min(0.05, max(0.0, deadline - clock())))
        batch.extend(more)
    return batch
