/**
 * The parts of undici the registry client uses, imported one by one.
 * undici's index also loads fetch, WebSocket, caches and mocks: it doubles
 * what undici adds to the bundle (1.1 MB instead of 0.55 MB), and the
 * standalone binary holds all of it in memory from its start, --help
 * included. The index's one other job is done here as it does it: giving
 * every dispatcher the request()/connect() methods (ProxyAgent opens its
 * CONNECT tunnels with connect()). undici is pinned in package.json.
 */
import Dispatcher from "undici/lib/dispatcher/dispatcher.js";
import api from "undici/lib/api/index.js";
import Agent from "undici/lib/dispatcher/agent.js";
import ProxyAgent from "undici/lib/dispatcher/proxy-agent.js";

Object.assign(Dispatcher.prototype, api);

export { Agent, ProxyAgent };
