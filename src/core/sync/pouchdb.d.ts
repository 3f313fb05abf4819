// The few PouchDB 9 APIs the unit sync uses (PouchDB ships no types; DefinitelyTyped's pull in an older Node's).
declare module 'pouchdb-core' {
  interface ReplicationResult {
    ok: boolean;
    docs_written: number;
    doc_write_failures: number;
    errors: unknown[];
  }
  interface Replication extends Promise<ReplicationResult> {
    on(event: 'change' | 'paused' | 'active' | 'denied' | 'complete' | 'error', listener: (info: any) => void): this;
    cancel(): void;
  }
  interface ReplicateOptions {
    live?: boolean;
    retry?: boolean;
    batch_size?: number;
    back_off_function?: (delay: number) => number;
  }
  namespace PouchDB {
    interface Database {
      get(id: string, options?: { conflicts?: boolean }): Promise<any>;
      put(doc: object): Promise<{ rev: string }>;
      bulkDocs(docs: object[]): Promise<Array<{ id?: string; error?: string | boolean; reason?: string; message?: string }>>;
      allDocs(options: { keys?: string[]; include_docs?: boolean; startkey?: string; endkey?: string; conflicts?: boolean }): Promise<{ rows: Array<{ id?: string; key: string; value?: { rev: string }; doc?: any; error?: string }> }>;
      changes(options: { since: number | string; include_docs?: boolean; limit?: number }): Promise<{ results: Array<{ id: string; seq: number | string }>; last_seq: number | string }>;
      readonly name: string;
      replicate: { to(target: Database | string, options?: ReplicateOptions): Replication; from(source: Database | string, options?: ReplicateOptions): Replication };
      sync(remote: Database | string, options?: ReplicateOptions): Replication;
      info(): Promise<{ doc_count: number; update_seq: number | string }>;
      destroy(): Promise<void>;
      close(): Promise<void>;
    }
  }
  interface PouchDBStatic {
    new (name: string, options?: { adapter?: string; auth?: { username: string; password: string }; skip_setup?: boolean; fetch?: typeof fetch }): PouchDB.Database;
    plugin(plugin: unknown): PouchDBStatic;
  }
  const PouchDB: PouchDBStatic;
  export default PouchDB;
}
declare module 'pouchdb-adapter-http' {
  const plugin: unknown;
  export default plugin;
}
declare module 'pouchdb-adapter-memory' {
  const plugin: unknown;
  export default plugin;
}
declare module 'pouchdb-replication' {
  const plugin: unknown;
  export default plugin;
}
