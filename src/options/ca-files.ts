/**
 * --ca-file: CA certificates the operator was handed for the registry.
 * Each file is read and every certificate in it parsed now, before anything
 * is touched, so a wrong file is named with what is wrong with it instead
 * of surfacing later as a TLS error that blames the registry.
 */
import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inputError, type PushImagesError } from "../core/errors.ts";
import { showChainCommand } from "../registry/tls-hint.ts";

/** One --ca-file, read and checked. */
export interface CaFile {
  /** The file as given on the command line. */
  readonly file: string;
  /** Its certificates as PEM, and nothing else the file held (text, keys). */
  readonly pem: string;
  /** SHA-256 fingerprints of its certificates (`AB:CD:...`), to find them in a certs.d directory. */
  readonly fingerprints: readonly string[];
}

/** One PEM certificate; global, for `String.match`. */
export const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const OTHER_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/;

/** Reads every --ca-file; `host` (of -r) makes the hints concrete. */
export function readCaFiles(files: readonly string[], host: string): readonly CaFile[] {
  return files.map((file) => readCaFile(file, host));
}

function readCaFile(file: string, host: string): CaFile {
  if (file === "")
    throw invalid(
      "--ca-file needs a file name, but it is empty",
      "name the registry's CA certificate (PEM): --ca-file ./registry-ca.crt",
    );
  const content = readWhole(file, host);
  const blocks = content.toString("utf8").match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) throw noCertificate(file, content, host);
  const certificates = blocks.map((block, index) => {
    const which = blocks.length > 1 ? `certificate ${index + 1} of ${blocks.length} in` : "the certificate in";
    return parse(block, file, which);
  });
  return {
    file,
    pem: certificates.map((certificate) => certificate.toString()).join(""),
    fingerprints: certificates.map((certificate) => certificate.fingerprint256),
  };
}

function readWhole(file: string, host: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw directory(file, host);
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw invalid(
        `--ca-file ${file} does not exist`,
        "give the path of the registry's CA certificate (PEM): --ca-file /path/to/registry-ca.crt",
      );
    }
    if (code === "EACCES" || code === "EPERM") {
      // A CA certificate is public: making it readable gives nothing away.
      throw invalid(
        `--ca-file ${file} cannot be read by this user (permission denied)`,
        `make it readable (chmod a+r ${file}, and a+x on its directories), or copy it somewhere you can read`,
      );
    }
    throw error;
  }
}

/** A directory: name the CA certificates in it, not merely its first file (which may be a server's certificate or a key). */
function directory(file: string, host: string): PushImagesError {
  const candidates = safeList(file).filter((name) => /\.(crt|pem|cer)$/i.test(name));
  const cas = candidates.filter((name) => holdsCaCertificate(join(file, name)));
  if (cas.length === 0) {
    const held = candidates.length > 0 ? `: ${candidates.join(", ")} hold no CA certificate` : "";
    return invalid(
      `--ca-file ${file} is a directory, not a certificate file${held}`,
      `name the registry's CA certificate file (PEM); '${showChainCommand(host)}' shows the certificates ${host} sends`,
    );
  }
  const others =
    candidates.length > cas.length ? `; ${candidates.filter((name) => !cas.includes(name)).join(", ")} are not CAs` : "";
  return invalid(
    `--ca-file ${file} is a directory, not a certificate file (its CA certificates: ${cas.join(", ")}${others})`,
    `name the CA file itself: ${cas.map((name) => `--ca-file ${join(file, name)}`).join(" ")}`,
  );
}

/** A file with at least one PEM certificate that is a CA (basic constraints CA:TRUE). */
function holdsCaCertificate(file: string): boolean {
  try {
    const blocks = readFileSync(file, "utf8").match(CERTIFICATE_BLOCK) ?? [];
    return blocks.some((block) => new X509Certificate(block).ca);
  } catch {
    return false;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** No `BEGIN CERTIFICATE` block: say what the file holds instead, when it can be told. */
function noCertificate(file: string, content: Buffer, host: string): PushImagesError {
  const pemFix =
    "give the registry's CA certificate in PEM form (text starting -----BEGIN CERTIFICATE-----); " +
    `'${showChainCommand(host)}' shows the certificates ${host} sends`;
  if (content.length === 0) return invalid(`--ca-file ${file} is empty`, pemFix);
  if (isDerCertificate(content)) {
    return invalid(
      `--ca-file ${file} holds a DER (binary) certificate; --ca-file takes PEM`,
      `convert it: openssl x509 -inform der -in ${file} -out ${file}.pem, then use --ca-file ${file}.pem`,
    );
  }
  const other = OTHER_BLOCK.exec(content.toString("utf8"))?.[1];
  if (other) return invalid(`--ca-file ${file} holds a ${other}, not a certificate`, pemFix);
  return invalid(`--ca-file ${file} holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)`, pemFix);
}

function isDerCertificate(content: Buffer): boolean {
  try {
    new X509Certificate(content);
    return true;
  } catch {
    return false;
  }
}

function parse(block: string, file: string, which: string): X509Certificate {
  try {
    return new X509Certificate(block);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error:[0-9A-F]+:/i, "");
    const fix = "the file is damaged or cut short: get the CA certificate again from whoever runs the registry";
    throw invalid(`--ca-file: ${which} ${file} does not parse (${reason})`, fix);
  }
}

function invalid(message: string, hint: string): PushImagesError {
  return inputError("CA_FILE_INVALID", message, hint);
}
