/** Free TCP ports on loopback: the test bed's helper, so bench runs and test beds pick ports alike. */
export { freePort } from "../test/bed/ports.ts";
