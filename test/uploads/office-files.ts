import CFB from "cfb";

/**
 * Office 97-2003 files as their applications lay them out: an OLE compound
 * file holding the streams each application opens first. Word's stream
 * starts with a Word 97 file information block (magic 0xA5EC, nFib 0x00C1).
 */
function compoundFile(streams: Record<string, Buffer>): Buffer {
  const container = CFB.utils.cfb_new();
  for (const [name, content] of Object.entries(streams)) {
    CFB.utils.cfb_add(container, `/${name}`, content);
  }
  return Buffer.from(CFB.write(container, { type: "buffer" }) as Uint8Array);
}

function wordFib(): Buffer {
  const fib = Buffer.alloc(1472);
  fib.writeUInt16LE(0xa5ec, 0); // wIdent
  fib.writeUInt16LE(0x00c1, 2); // nFib: Word 97
  return fib;
}

export const OFFICE_FILES: [extension: string, bytes: () => Buffer][] = [
  ["doc", () => compoundFile({ WordDocument: wordFib(), "1Table": Buffer.alloc(512) })],
  ["xls", () => compoundFile({ Workbook: Buffer.from([0x09, 0x08, 0x10, 0x00, 0x00, 0x06]) })],
  [
    "ppt",
    () =>
      compoundFile({
        "PowerPoint Document": Buffer.alloc(256),
        "Current User": Buffer.alloc(64),
      }),
  ],
  [
    "msg",
    () =>
      compoundFile({
        "__properties_version1.0": Buffer.alloc(64),
        "__substg1.0_0037001F": Buffer.from("Quarterly report", "utf16le"),
      }),
  ],
];
