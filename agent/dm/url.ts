// The HAL has no URL parser: the server address (DMAcc AppAddr) and RespURI are split here. Only https is
// accepted: the HAL offers no cleartext transport.

export interface ServerUrl {
  readonly host: string;
  readonly port: number;
  /** Path and query, always starting with "/". */
  readonly path: string;
}

/**
 * Parses an absolute https URL; `defaultPort` (the account's PortNbr) applies when the URL names none.
 * undefined for anything else (other schemes, user info, a bad port).
 */
export function parseServerUrl(text: string, defaultPort = 443): ServerUrl | undefined {
  const m = /^https:\/\/([^/?#]+)([^#]*)/i.exec(text.trim());
  if (!m) return undefined;
  const authority = m[1];
  if (authority.indexOf("@") >= 0) return undefined;
  let host: string;
  let rest: string;
  if (authority.charAt(0) === "[") {
    const end = authority.indexOf("]");
    if (end < 0) return undefined;
    host = authority.slice(1, end);
    rest = authority.slice(end + 1);
  } else {
    const colon = authority.indexOf(":");
    host = colon < 0 ? authority : authority.slice(0, colon);
    rest = colon < 0 ? "" : authority.slice(colon);
  }
  let port = defaultPort;
  if (rest !== "") {
    if (!/^:\d{1,5}$/.test(rest)) return undefined;
    port = Number(rest.slice(1));
  }
  if (!host || port < 1 || port > 65535) return undefined;
  const path = m[2] === "" ? "/" : m[2].charAt(0) === "?" ? "/" + m[2] : m[2];
  return { host: host.toLowerCase(), port, path };
}

/**
 * Where the next message goes after a RespURI: an absolute https URL, or a path on the current server
 * (servers send both; a relative RespURI is resolved against the current URL's host).
 */
export function resolveRespUri(current: ServerUrl, respUri: string): ServerUrl | undefined {
  const t = respUri.trim();
  if (/^https:\/\//i.test(t)) return parseServerUrl(t);
  if (t.charAt(0) === "/") return { host: current.host, port: current.port, path: t };
  return undefined;
}
