/**
 * Whether dockerd treats a registry as insecure (plain HTTP allowed,
 * certificate not checked): named in its insecure-registries, or resolving
 * to an address inside one of its insecure CIDRs (127.0.0.0/8 always is).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import type { DockerRegistryConfig } from "../engine/container-tool.ts";

export async function isInsecureForDocker(host: string, config: DockerRegistryConfig): Promise<boolean> {
  if (config.IndexConfigs?.[host]?.Secure === false) return true;
  const cidrs = new BlockList();
  for (const cidr of config.InsecureRegistryCIDRs ?? []) {
    const [network = "", prefix = ""] = cidr.split("/");
    const family = isIP(network) === 6 ? "ipv6" : "ipv4";
    cidrs.addSubnet(network, Number(prefix), family);
  }
  const hostname = host.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
  const addresses = isIP(hostname)
    ? [{ address: hostname, family: isIP(hostname) }]
    : await lookup(hostname, { all: true }).catch(() => []);
  return addresses.some(({ address, family }) => cidrs.check(address, family === 6 ? "ipv6" : "ipv4"));
}
