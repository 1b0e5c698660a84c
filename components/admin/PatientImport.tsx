"use client";

import { useRef, useState } from "react";

interface Preview {
  counts: { create: number; update: number; unchanged: number; reject: number };
  total: number;
  rejected: { line: number; externalId: string; reason: string }[];
  creates: { line: number; externalId: string; name: string }[];
  updates: { line: number; externalId: string; name: string; changed: string[] }[];
  ignoredColumns: string[];
}
interface Result {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}
interface Progress {
  label: string;
  done: number;
  total: number;
}

const ENDPOINT = "/api/admin/patients/import";

/**
 * Upload → preview (what each row would do) → import, with a progress bar: the upload's own progress,
 * then the server's, streamed as newline-delimited JSON while it writes batches.
 */
export function PatientImport() {
  const fileRef = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);

  function send(commit: boolean, onLine?: (line: Record<string, unknown>) => void): Promise<{ status: number; text: string }> {
    const file = fileRef.current?.files?.[0];
    if (!file) return Promise.reject(new Error("Choose a CSV file first"));
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `${ENDPOINT}${commit ? "?commit=1" : ""}`);
      let seen = 0;
      xhr.upload.onprogress = (e) => e.lengthComputable && setProgress({ label: "Uploading", done: e.loaded, total: e.total });
      xhr.onprogress = () => {
        if (!onLine || xhr.status !== 200) return;
        const text = xhr.responseText;
        const end = text.lastIndexOf("\n");
        if (end < seen) return;
        for (const line of text.slice(seen, end).split("\n")) if (line.trim()) onLine(JSON.parse(line) as Record<string, unknown>);
        seen = end + 1;
      };
      xhr.onload = () => {
        if (onLine && xhr.status === 200) {
          for (const line of xhr.responseText.slice(seen).split("\n")) if (line.trim()) onLine(JSON.parse(line) as Record<string, unknown>);
        }
        resolve({ status: xhr.status, text: xhr.responseText });
      };
      xhr.onerror = () => reject(new Error("The upload failed: the server could not be reached"));
      const form = new FormData();
      form.append("file", file);
      xhr.send(form);
    });
  }

  const messageOf = (text: string, status: number) => {
    try {
      return (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      return status === 413 ? "The file is too large" : `The upload failed (${status})`;
    }
  };

  async function onPreview() {
    setError("");
    setPreview(null);
    setResult(null);
    try {
      const { status, text } = await send(false);
      if (status !== 200) setError(messageOf(text, status));
      else setPreview(JSON.parse(text) as Preview);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(null);
    }
  }

  async function onImport() {
    setError("");
    try {
      let final: Result | null = null;
      let failure = "";
      const { status, text } = await send(true, (line) => {
        const p = line.progress as { done: number; total: number } | undefined;
        if (p) setProgress({ label: "Importing", done: p.done, total: Math.max(1, p.total) });
        if (line.result) final = line.result as Result;
        if (line.error) failure = (line.error as { message: string }).message;
      });
      if (status !== 200) setError(messageOf(text, status));
      else if (failure || !final) setError(`Nothing was imported: ${failure || "the server stopped before the end"}`);
      else {
        setResult(final);
        setPreview(null);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(null);
    }
  }

  const toWrite = preview ? preview.counts.create + preview.counts.update : 0;
  return (
    <section aria-label="Import patients" className="patient-import">
      <p>
        <label htmlFor="csv-file">CSV file</label>{" "}
        <input id="csv-file" ref={fileRef} type="file" accept=".csv,text/csv" onChange={() => (setPreview(null), setResult(null), setError(""))} />{" "}
        <button type="button" onClick={() => void onPreview()} disabled={progress !== null}>
          Preview
        </button>
      </p>
      {progress ? (
        <p>
          <label htmlFor="import-progress">{progress.label}</label>{" "}
          <progress id="import-progress" max={progress.total} value={progress.done} aria-valuetext={`${Math.round((100 * progress.done) / progress.total)}%`} />{" "}
          {progress.label === "Importing" ? `${progress.done.toLocaleString("en-US")} of ${progress.total.toLocaleString("en-US")} rows` : ""}
        </p>
      ) : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
      {result ? (
        <p className="notice" role="status">
          Imported: {result.created} created, {result.updated} updated, {result.unchanged} unchanged, {result.rejected} rejected.
        </p>
      ) : null}
      {preview ? (
        <div aria-label="Preview" role="region">
          <p role="status">
            {preview.total} rows: {preview.counts.create} to create, {preview.counts.update} to update, {preview.counts.unchanged} unchanged,{" "}
            {preview.counts.reject} rejected.
            {preview.ignoredColumns.length ? ` Ignored columns: ${preview.ignoredColumns.join(", ")}.` : ""}
          </p>
          <p>
            <button type="button" className="primary" onClick={() => void onImport()} disabled={toWrite === 0 || progress !== null}>
              Import {toWrite} patient{toWrite === 1 ? "" : "s"}
            </button>
          </p>
          {preview.rejected.length ? (
            <table className="data" aria-label="Rejected rows">
              <thead>
                <tr><th scope="col">Line</th><th scope="col">External id</th><th scope="col">Reason</th></tr>
              </thead>
              <tbody>
                {preview.rejected.map((r) => (
                  <tr key={r.line}><td>{r.line}</td><td>{r.externalId}</td><td>{r.reason}</td></tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {preview.updates.length ? (
            <table className="data" aria-label="Rows to update">
              <thead>
                <tr><th scope="col">Line</th><th scope="col">External id</th><th scope="col">Name</th><th scope="col">Changes</th></tr>
              </thead>
              <tbody>
                {preview.updates.map((r) => (
                  <tr key={r.line}><td>{r.line}</td><td>{r.externalId}</td><td>{r.name}</td><td>{r.changed.join(", ")}</td></tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {preview.creates.length ? (
            <table className="data" aria-label="Rows to create">
              <thead>
                <tr><th scope="col">Line</th><th scope="col">External id</th><th scope="col">Name</th></tr>
              </thead>
              <tbody>
                {preview.creates.map((r) => (
                  <tr key={r.line}><td>{r.line}</td><td>{r.externalId}</td><td>{r.name}</td></tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
