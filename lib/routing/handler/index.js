'use strict';
// Lambda entry point of the front door (handler `index.handler`). The configuration is rendered by
// the InferenceFrontDoor construct into the ROUTER_CONFIG environment variable.
const { createRouter } = require('./router');
const { createAwsClients } = require('./aws');

let router;

exports.handler = async (event, context) => {
  if (!router) {
    router = createRouter(JSON.parse(process.env.ROUTER_CONFIG), createAwsClients());
  }
  return router.handle(event, context);
};
