// nnbook live figures: the few WASI imports the live module (crates/live, built for
// wasm32-wasip1 so its figures measure text as the build does) needs, for a Web Worker and for
// Node's tests. There is no environment and no file: stdout/stderr go to the console, the C
// library's search for preopened folders finds none, opening a path is refused, exit throws;
// an import not listed here makes loading fail with its name, never a silent no-op.
"use strict";
self.nnbookWasi = function (memory) {
  const view = () => new DataView(memory().buffer);
  const EBADF = 8;
  const ENOTCAPABLE = 76;
  const stdio = (fd) => fd >= 0 && fd <= 2;
  const wasi = {
    environ_sizes_get(count, size) {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return 0;
    },
    environ_get() {
      return 0;
    },
    fd_write(fd, iovs, iovsLen, written) {
      if (fd !== 1 && fd !== 2) return EBADF;
      const v = view();
      let text = "";
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = v.getUint32(iovs + 8 * i, true);
        const len = v.getUint32(iovs + 8 * i + 4, true);
        text += new TextDecoder().decode(new Uint8Array(memory().buffer, ptr, len));
        total += len;
      }
      (fd === 2 ? console.error : console.log)("nnbook-live: " + text);
      v.setUint32(written, total, true);
      return 0;
    },
    fd_fdstat_get(fd, stat) {
      if (!stdio(fd)) return EBADF;
      const v = view();
      // A character device (2) with no flags; rights: fd_write (bit 6) only.
      v.setUint8(stat, 2);
      v.setUint16(stat + 2, 0, true);
      v.setBigUint64(stat + 8, 1n << 6n, true);
      v.setBigUint64(stat + 16, 0n, true);
      return 0;
    },
    fd_close(fd) {
      return stdio(fd) ? 0 : EBADF;
    },
    // No preopened folders: the first descriptor asked about is not one.
    fd_prestat_get() {
      return EBADF;
    },
    fd_prestat_dir_name() {
      return EBADF;
    },
    path_open() {
      return ENOTCAPABLE;
    },
    proc_exit(code) {
      throw new Error("the live module exited (code " + code + ")");
    },
  };
  return {
    wasi,
    // Every import of the module must be one of ours (or env's): checked before instantiating.
    check(module, env) {
      for (const imp of WebAssembly.Module.imports(module)) {
        const have = imp.module === "env" ? env : imp.module === "wasi_snapshot_preview1" ? wasi : {};
        if (typeof have[imp.name] !== "function") {
          throw new Error("the live module needs " + imp.module + "." + imp.name + ", which this page does not provide");
        }
      }
    },
  };
};
