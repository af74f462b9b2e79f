// A throw-away PKI for tests and the reference DM server: a test CA and a server certificate for localhost,
// made with the openssl command line (EC P-256, as in the native TLS recipe). Created once per directory and
// reused while valid, so a server that restarts keeps the certificate devices were provisioned with.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCA {
  /** The CA certificate, PEM: what a device's system store or `--trust` gets. */
  readonly caPem: string;
  /** The same certificate, DER: what the HAL's TLS `ca` anchors take. */
  readonly caDer: Uint8Array;
  /** The server's private key (PKCS#8 PEM). */
  readonly serverKeyPem: string;
  /** The server certificate (PEM), for localhost: SAN DNS:localhost and IP:127.0.0.1, signed by the CA. */
  readonly serverCertPem: string;
}

export interface OtherCA {
  readonly caPem: string;
  readonly caDer: Uint8Array;
}

const SERVER_EXTENSIONS = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=serverAuth",
  "subjectAltName=DNS:localhost,IP:127.0.0.1",
].join("\n") + "\n";

const DAYS = "365";
/** Regenerate when a reused certificate has less than this left (a long-lived directory must not go stale). */
const MARGIN_MS = 24 * 60 * 60 * 1000;

function openssl(cwd: string, args: string[]): void {
  // stdio piped: openssl prints key-generation progress on stderr, which would clutter test output.
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

function der(pem: string): Uint8Array {
  return new Uint8Array(new X509Certificate(pem).raw);
}

function fresh(pemFile: string): boolean {
  if (!existsSync(pemFile)) return false;
  try {
    return Date.parse(new X509Certificate(readFileSync(pemFile)).validTo) - Date.now() > MARGIN_MS;
  } catch {
    return false;
  }
}

/** A self-signed CA in `work`: `name`.key and `name`.pem. */
function makeCA(work: string, name: string, subject: string): void {
  openssl(work, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", DAYS, "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

/**
 * The test CA and the localhost server certificate in `directory` (created if missing): ca.pem, ca.key,
 * server.key, server.pem. Existing files are reused as long as both certificates stay valid.
 */
export function ensureTestCA(directory: string): TestCA {
  mkdirSync(directory, { recursive: true });
  const files = { ca: join(directory, "ca.pem"), key: join(directory, "server.key"), cert: join(directory, "server.pem") };
  if (!(fresh(files.ca) && fresh(files.cert) && existsSync(files.key))) {
    // Built in a scratch directory and moved into place last, so a crash never leaves a half-made set.
    const work = join(directory, `.work-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    try {
      makeCA(work, "ca", "/CN=dm-agent Test CA");
      openssl(work, [
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
      ]);
      writeFileSync(join(work, "server.ext"), SERVER_EXTENSIONS);
      openssl(work, [
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", DAYS, "-extfile", "server.ext",
      ]);
      renameSync(join(work, "ca.key"), join(directory, "ca.key"));
      renameSync(join(work, "server.key"), files.key);
      renameSync(join(work, "ca.pem"), files.ca);
      renameSync(join(work, "server.pem"), files.cert);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const caPem = readFileSync(files.ca, "utf8");
  return {
    caPem,
    caDer: der(caPem),
    serverKeyPem: readFileSync(files.key, "utf8"),
    serverCertPem: readFileSync(files.cert, "utf8"),
  };
}

/** Another self-signed CA (wrong-ca.pem in `directory`) that signed nothing: negative trust tests. */
export function wrongCA(directory: string): OtherCA {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, "wrong-ca.pem");
  if (!fresh(file)) {
    makeCA(directory, "wrong-ca", "/CN=dm-agent Wrong Test CA");
    rmSync(join(directory, "wrong-ca.key"), { force: true }); // nothing is ever signed with it
  }
  const caPem = readFileSync(file, "utf8");
  return { caPem, caDer: der(caPem) };
}
