// The push file `dm-device run --push FILE` reads: one SMS-DELIVER PDU per line in hex, "#" starts a comment.

export function formatPushFile(pdus: readonly Uint8Array[], comments: readonly string[] = []): string {
  const lines = comments.flatMap((c) => c.split("\n")).map((c) => `# ${c}`.trimEnd());
  for (const p of pdus) lines.push(Buffer.from(p.buffer, p.byteOffset, p.length).toString("hex"));
  return lines.join("\n") + "\n";
}

/** The PDUs of a push file; throws on a line that is not an even number of hex digits. */
export function parsePushFile(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) return;
    if (!/^([0-9a-fA-F]{2})+$/.test(line)) throw new Error(`line ${i + 1}: not hex octets`);
    out.push(new Uint8Array(Buffer.from(line, "hex")));
  });
  return out;
}
