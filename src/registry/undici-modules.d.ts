// Types for the undici modules undici-parts.ts requires one by one: those of the package's index.
declare module "undici/lib/dispatcher/dispatcher.js" {
  const Dispatcher: typeof import("undici").Dispatcher;
  export default Dispatcher;
}
declare module "undici/lib/dispatcher/agent.js" {
  const Agent: typeof import("undici").Agent;
  export default Agent;
}
declare module "undici/lib/dispatcher/proxy-agent.js" {
  const ProxyAgent: typeof import("undici").ProxyAgent;
  export default ProxyAgent;
}
declare module "undici/lib/api/index.js" {
  const api: Record<string, unknown>;
  export default api;
}
