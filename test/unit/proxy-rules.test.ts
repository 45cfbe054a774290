/**
 * src/registry/proxy-rules.ts against the rules of Go's
 * ProxyFromEnvironment (golang.org/x/net/http/httpproxy), which podman
 * applies: each row is an environment, a URL and where the request goes.
 */
import { describe, expect, it } from "vitest";
import { maskedProxy, proxyAuthorization, proxyFor, proxySettings } from "../../src/registry/proxy-rules.ts";

const PROXY = "http://proxy.corp:3128";

/** "direct", "invalid", or the proxy URL's href. */
function where(env: NodeJS.ProcessEnv, url: string): string {
  const decision = proxyFor(proxySettings(env), new URL(url));
  return decision.via === "proxy" ? decision.proxy.href : decision.via;
}

describe("which variable applies", () => {
  it.each([
    ["https URL: HTTPS_PROXY", { HTTPS_PROXY: PROXY }, "https://reg.example.com/v2/", "http://proxy.corp:3128/"],
    ["https URL: HTTP_PROXY is not used", { HTTP_PROXY: PROXY }, "https://reg.example.com/v2/", "direct"],
    ["http URL: HTTP_PROXY", { HTTP_PROXY: PROXY }, "http://reg.example.com/v2/", "http://proxy.corp:3128/"],
    ["http URL: HTTPS_PROXY is not used", { HTTPS_PROXY: PROXY }, "http://reg.example.com/v2/", "direct"],
    ["lower case works", { https_proxy: PROXY }, "https://reg.example.com/", "http://proxy.corp:3128/"],
    [
      "upper case wins over lower case",
      { HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:2" },
      "https://r.example.com/",
      "http://upper:1/",
    ],
    [
      "an empty upper-case value counts as unset",
      { HTTPS_PROXY: "", https_proxy: "http://lower:2" },
      "https://r.example.com/",
      "http://lower:2/",
    ],
    ["no scheme means http://", { HTTPS_PROXY: "proxy.corp:3128" }, "https://r.example.com/", "http://proxy.corp:3128/"],
    ["an IP and port without scheme", { HTTPS_PROXY: "10.1.2.3:8080" }, "https://r.example.com/", "http://10.1.2.3:8080/"],
    ["an https proxy stays https", { HTTPS_PROXY: "https://proxy.corp:443" }, "https://r.example.com/", "https://proxy.corp/"],
    ["socks5 is kept", { HTTPS_PROXY: "socks5://proxy.corp:1080" }, "https://r.example.com/", "socks5://proxy.corp:1080"],
    ["CGI: HTTP_PROXY is not used", { HTTP_PROXY: PROXY, REQUEST_METHOD: "GET" }, "http://r.example.com/", "direct"],
    [
      "CGI: HTTPS_PROXY still is",
      { HTTPS_PROXY: PROXY, REQUEST_METHOD: "GET" },
      "https://r.example.com/",
      "http://proxy.corp:3128/",
    ],
    ["nothing set", {}, "https://r.example.com/", "direct"],
  ])("%s", (_name, env, url, expected) => {
    expect(where(env, url)).toBe(expected);
  });
});

describe("never proxied: localhost and loopback", () => {
  it.each(["https://localhost:5000/", "https://127.0.0.1:5000/", "https://127.8.9.10/", "https://[::1]:5000/"])("%s", (url) => {
    expect(where({ HTTPS_PROXY: PROXY }, url)).toBe("direct");
  });

  it.each(["https://[::2]:5000/", "https://localhost.net/", "https://local.localhost/", "https://10.0.0.1/"])(
    "%s is proxied",
    (url) => {
      expect(where({ HTTPS_PROXY: PROXY }, url)).toBe("http://proxy.corp:3128/");
    },
  );
});

describe("NO_PROXY", () => {
  it.each([
    ["*", "https://anything.example.com/", "direct"],
    ["y.com", "https://y.com/", "direct"],
    ["y.com", "https://x.y.com/", "direct"],
    ["y.com", "https://xy.com/", "proxy"],
    [".y.com", "https://x.y.com/", "direct"],
    [".y.com", "https://y.com/", "proxy"],
    ["*.y.com", "https://x.y.com/", "direct"],
    ["*.y.com", "https://y.com/", "proxy"],
    ["Y.COM", "https://x.y.com/", "direct"],
    [" a.com , y.com ", "https://y.com/", "direct"],
    ["y.com:5000", "https://y.com:5000/", "direct"],
    ["y.com:5000", "https://y.com:5001/", "proxy"],
    ["y.com:443", "https://y.com/", "direct"],
    ["y.com:80", "https://y.com/", "proxy"],
    ["10.1.2.3", "https://10.1.2.3:5000/", "direct"],
    ["10.1.2.3", "https://10.1.2.4/", "proxy"],
    ["10.1.2.3:5000", "https://10.1.2.3:5000/", "direct"],
    ["10.1.2.3:5000", "https://10.1.2.3:5001/", "proxy"],
    ["10.0.0.0/8", "https://10.200.1.1/", "direct"],
    ["10.0.0.0/8", "https://11.0.0.1/", "proxy"],
    ["10.0.0.0/8", "https://ten.example.com/", "proxy"],
    ["fd00::/8", "https://[fd00::5]:5000/", "direct"],
    ["fd00::5", "https://[fd00::5]:5000/", "direct"],
    ["[fd00::5]:5000", "https://[fd00::5]:5000/", "direct"],
    ["[fd00::5]:5000", "https://[fd00::5]:5001/", "proxy"],
    [":5000", "https://y.com:5000/", "proxy"],
    ["", "https://y.com/", "proxy"],
  ])("NO_PROXY=%j, %s: %s", (noProxy, url, expected) => {
    const result = where({ HTTPS_PROXY: PROXY, NO_PROXY: noProxy }, url);
    expect(result === "direct" ? "direct" : "proxy").toBe(expected);
  });

  it("no_proxy is read when NO_PROXY is not set, and NO_PROXY wins when both are", () => {
    expect(where({ HTTPS_PROXY: PROXY, no_proxy: "y.com" }, "https://y.com/")).toBe("direct");
    expect(where({ HTTPS_PROXY: PROXY, NO_PROXY: "a.com", no_proxy: "y.com" }, "https://y.com/")).toBe(PROXY + "/");
  });

  it("says which entry sent the request direct", () => {
    const decision = proxyFor(
      proxySettings({ HTTPS_PROXY: PROXY, NO_PROXY: "a.com,.pib.test" }),
      new URL("https://registry.pib.test:5000/"),
    );
    expect(decision).toEqual({ via: "direct", because: "NO_PROXY", variable: "HTTPS_PROXY", noProxyEntry: ".pib.test" });
  });
});

describe("proxy credentials", () => {
  it("user:password becomes Basic Proxy-Authorization, decoded from the URL", () => {
    const proxy = new URL("http://ci%40corp:p%40ss:word@proxy.corp:3128");
    expect(proxyAuthorization(proxy)).toBe(`Basic ${Buffer.from("ci@corp:p@ss:word").toString("base64")}`);
  });

  it("a user without a password is sent with an empty one, as Go does", () => {
    expect(proxyAuthorization(new URL("http://ci@proxy.corp:3128"))).toBe(`Basic ${Buffer.from("ci:").toString("base64")}`);
  });

  it("none without user information", () => {
    expect(proxyAuthorization(new URL(PROXY))).toBeUndefined();
  });

  it("the password never shows when the proxy is named", () => {
    expect(maskedProxy(new URL("http://ci:s3cret@proxy.corp:3128"))).toBe("http://ci:***@proxy.corp:3128");
    expect(maskedProxy(new URL("http://token@proxy.corp:3128"))).toBe("http://***@proxy.corp:3128");
    expect(maskedProxy(new URL(PROXY))).toBe(PROXY);
  });
});

describe("a variable that is no URL", () => {
  it("is reported when it applies, naming the variable", () => {
    const decision = proxyFor(proxySettings({ HTTPS_PROXY: "http://[broken" }), new URL("https://r.example.com/"));
    expect(decision).toMatchObject({ via: "invalid", variable: { name: "HTTPS_PROXY", value: "http://[broken" } });
  });

  it("does not matter for hosts it does not apply to", () => {
    expect(where({ HTTPS_PROXY: "http://[broken", NO_PROXY: "r.example.com" }, "https://r.example.com/")).toBe("direct");
    expect(where({ HTTPS_PROXY: "http://[broken" }, "https://127.0.0.1:5000/")).toBe("direct");
  });
});
