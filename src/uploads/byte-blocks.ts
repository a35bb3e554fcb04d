/** Size of the blocks small chunks are copied into. */
export const BLOCK_SIZE = 64 * 1024;

/**
 * Collects bytes that arrive in chunks of any size into a few large blocks.
 * A client can send a body one byte per TCP segment; keeping each chunk as
 * its own `Buffer` would cost a hundred bytes or more of bookkeeping per
 * byte. Copied into blocks, memory follows the byte count, not the chunk
 * count. Chunks are copied, so callers may reuse theirs.
 */
export class ByteBlocks {
  private blocks: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;
  /** Bytes held. */
  length = 0;

  constructor(private readonly blockSize = BLOCK_SIZE) {}

  append(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.current === undefined || this.used === this.current.length) {
        if (this.current !== undefined) this.blocks.push(this.current);
        // The first block grows with need: a 20-byte field value should not take 64 KB.
        const size = this.length === 0 ? Math.min(this.blockSize, chunk.length - offset) : 0;
        this.current = Buffer.allocUnsafe(Math.max(size, Math.min(this.blockSize, this.length)));
        this.used = 0;
      }
      const copied = Math.min(chunk.length - offset, this.current.length - this.used);
      this.current.set(chunk.subarray(offset, offset + copied), this.used);
      this.used += copied;
      offset += copied;
      this.length += copied;
    }
  }

  /** The full blocks and the filled part of the last one, in order. */
  chunks(): Buffer[] {
    if (this.current === undefined) return [...this.blocks];
    return [...this.blocks, this.current.subarray(0, this.used)];
  }

  /** All bytes as one buffer; the blocks are let go. */
  take(): Buffer {
    const all = Buffer.concat(this.chunks(), this.length);
    this.clear();
    return all;
  }

  clear(): void {
    this.blocks = [];
    this.current = undefined;
    this.used = 0;
    this.length = 0;
  }
}
