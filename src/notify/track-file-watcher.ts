// Watches the tracked files (keepalived 2.2.7 trackers/track_file.c
// init_track_files / process_inotify): each file's directory is watched with
// inotify (fs.watch), since the file may not exist yet, may be replaced by a
// rename, or deleted — a deleted or renamed-away file counts as 0.
//
// keepalived reads a file when it is closed after writing (IN_CLOSE_WRITE).
// fs.watch reports writes as they happen, and `echo 1 > file` truncates
// before it writes: a read at once could see the empty file, i.e. 0, and
// flap the instance. So a file is read once its events have been quiet for
// SETTLE_MS.
//
// init_file [VALUE] [overwrite] writes VALUE (default 0) when the file is
// missing, or always with overwrite — except on a reload, which never
// overwrites.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, realpathSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger } from '../observe/log.js';
import { parseTrackValue } from './track-file.js';

export interface TrackFileDefinition {
  readonly name: string;
  readonly path: string;
  readonly initFile?: { readonly value: number; readonly overwrite: boolean };
}

export interface FileValueChange {
  readonly name: string;
  readonly path: string;
  readonly from: number;
  readonly to: number;
}

interface Events {
  change: [FileValueChange];
}

/** quiet time after a file's last event before it is read */
export const SETTLE_MS = 20;
/** keepalived reads at most this much of a file */
const READ_LIMIT = 127;

interface Watched {
  readonly def: TrackFileDefinition;
  /** with the directory's symlinks resolved */
  readonly path: string;
  value: number;
  timer?: NodeJS.Timeout;
}

export class TrackFileWatcher extends EventEmitter<Events> {
  private readonly files = new Map<string, Watched>();
  private readonly watchers: FSWatcher[] = [];

  constructor(
    defs: readonly TrackFileDefinition[],
    private readonly log: Logger,
    o: { reload?: boolean } = {},
  ) {
    super();
    for (const def of defs) {
      if (def.initFile) this.initialise(def, o.reload ?? false);
      const path = this.resolvePath(def);
      if (path === undefined) continue;
      this.files.set(def.name, { def, path, value: this.read(path, 0) });
    }
    const byDir = new Map<string, Watched[]>();
    for (const w of this.files.values()) byDir.set(dirname(w.path), [...(byDir.get(dirname(w.path)) ?? []), w]);
    for (const [dir, files] of byDir) {
      try {
        const watcher = watch(dir, (_event, name) => {
          for (const w of files) if (name === null || name === basename(w.path)) this.changed(w);
        });
        watcher.on('error', (e) => this.log.error({ dir, err: e.message }, `inotify on ${dir} failed: ${e.message}`));
        this.watchers.push(watcher);
      } catch (e) {
        this.log.error({ dir, err: (e as Error).message }, `Unable to monitor track files in ${dir}: ${(e as Error).message}`);
      }
    }
  }

  /** The file's value now (0 for one not watched). */
  value(name: string): number {
    return this.files.get(name)?.value ?? 0;
  }

  close(): void {
    for (const w of this.watchers.splice(0)) w.close();
    for (const f of this.files.values()) clearTimeout(f.timer);
  }

  private initialise(def: TrackFileDefinition, reload: boolean): void {
    const init = def.initFile!;
    if (existsSync(def.path)) {
      if (!init.overwrite || reload) return;
      if (!statSync(def.path).isFile()) {
        this.log.error({ file: def.name }, `Cannot initialise track file ${def.name} - it is not a regular file`);
        return;
      }
    }
    try {
      writeFileSync(def.path, `${init.value}\n`);
    } catch (e) {
      this.log.error({ file: def.name, err: (e as Error).message }, `Unable to initialise track file ${def.name}: ${(e as Error).message}`);
    }
  }

  /** The file's real path; for a missing file, its real directory and its name. Undefined when the directory is missing. */
  private resolvePath(def: TrackFileDefinition): string | undefined {
    try {
      return realpathSync(def.path);
    } catch {
      try {
        const dir = realpathSync(dirname(resolve(def.path)));
        if (statSync(dir).isDirectory()) return join(dir, basename(def.path));
      } catch {
        // reported below
      }
      this.log.error({ file: def.name }, `Track file directory for ${def.name} does not exist - removing`);
      return undefined;
    }
  }

  private read(path: string, previous: number): number {
    let text: string;
    try {
      text = readFileSync(path, { encoding: 'utf8', flag: 'r' }).slice(0, READ_LIMIT);
    } catch {
      return 0;
    }
    const value = parseTrackValue(text);
    if (value === undefined) {
      this.log.info({ path }, `Invalid number ${text.trim()} read from ${path} - ignoring`);
      return previous;
    }
    return value;
  }

  private changed(w: Watched): void {
    clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      const from = w.value;
      w.value = this.read(w.path, from);
      if (w.value !== from) this.emit('change', { name: w.def.name, path: w.path, from, to: w.value });
    }, SETTLE_MS);
  }
}
