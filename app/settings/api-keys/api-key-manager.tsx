"use client";
// Create (the key is shown once), list and revoke the signed-in user's API keys.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc-provider";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import type { ApiScope } from "@/server/services/auth-service";

const when = (d: Date | string | null) => (d ? new Date(d).toLocaleString() : "never");

export function ApiKeyManager() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const scopes = useQuery(trpc.auth.scopes.queryOptions());
  const keys = useQuery(trpc.auth.apiKeys.list.queryOptions());
  const scopeText = new Map((scopes.data ?? []).map((s) => [s.name as string, s.description]));
  const [name, setName] = useState("");
  const [picked, setPicked] = useState<ApiScope[]>([]);
  const [expiresInDays, setExpiresInDays] = useState<string>("90");
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [isCopied, setIsCopied] = useState(false);
  const refreshList = () => queryClient.invalidateQueries({ queryKey: trpc.auth.apiKeys.list.queryKey() });

  const create = useMutation(
    trpc.auth.apiKeys.create.mutationOptions({
      onSuccess: (result, input) => {
        setCreated({ key: result.key, name: input.name });
        setIsCopied(false);
        setName("");
        setPicked([]);
        void refreshList();
      },
    }),
  );
  const revoke = useMutation(trpc.auth.apiKeys.revoke.mutationOptions({ onSuccess: () => void refreshList() }));

  function onCreate(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name, scopes: picked, expiresInDays: expiresInDays === "never" ? null : Number(expiresInDays) });
  }

  async function copy(key: string) {
    try {
      await navigator.clipboard.writeText(key);
      setIsCopied(true);
    } catch {
      setIsCopied(false);
    }
  }

  return (
    <>
      {created ? (
        <section className="banner" aria-label="New API key">
          <p style={{ margin: "0 0 6px" }}>
            <strong>{created.name}</strong>: copy this key now. It is shown only once; RODS keeps only its hash.
          </p>
          <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap" }}>
            <code data-testid="new-api-key" style={{ userSelect: "all", wordBreak: "break-all" }}>
              {created.key}
            </code>
            <button type="button" onClick={() => void copy(created.key)}>
              {isCopied ? "Copied" : "Copy"}
            </button>
            <button type="button" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </section>
      ) : null}

      <form className="card" onSubmit={onCreate} aria-label="Create an API key">
        <h2 style={{ marginTop: 0 }}>Create a key</h2>
        <label style={{ display: "flex", flexDirection: "column", gap: 4, maxWidth: 360 }}>
          Key name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="e.g. trainer on gpu-box-1" />
        </label>
        <label style={{ display: "flex", flexDirection: "column", gap: 4, maxWidth: 360, marginTop: 8 }}>
          Expires
          <select value={expiresInDays} onChange={(e) => setExpiresInDays(e.target.value)}>
            <option value="7">in 7 days</option>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="never">never</option>
          </select>
        </label>
        <fieldset style={{ border: "none", padding: 0, margin: "10px 0" }}>
          <legend>Scopes: what the key may do (a key can do nothing else)</legend>
          {scopes.isError ? <ErrorState title="Could not load the scopes" message={scopes.error.message} /> : null}
          {(scopes.data ?? []).map((s) => (
            <label key={s.name} style={{ display: "block", margin: "4px 0" }}>
              <input
                type="checkbox"
                checked={picked.includes(s.name)}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, s.name] : p.filter((x) => x !== s.name)))}
              />{" "}
              <code>{s.name}</code> <span className="muted">{s.description}</span>
            </label>
          ))}
        </fieldset>
        {create.isError ? (
          <p role="alert" style={{ color: "var(--err)" }}>
            {create.error.message}
          </p>
        ) : null}
        <button type="submit" disabled={create.isPending || !name.trim() || picked.length === 0}>
          {create.isPending ? "Creating…" : "Create key"}
        </button>
      </form>

      <h2>Your keys</h2>
      {revoke.isError ? <ErrorState title="Could not revoke the key" message={revoke.error.message} /> : null}
      {keys.isPending ? (
        <Loading />
      ) : keys.isError ? (
        <ErrorState title="Could not load your API keys" message={keys.error.message} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <EmptyState title="No API keys yet">Create one above for your trainer or scripts.</EmptyState>
      ) : (
        <table aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>rods_{k.prefix}_…</code>
                </td>
                <td>
                  {k.scopes.map((s) => (
                    <span key={s} className="chip" title={scopeText.get(s) ?? s}>
                      {s}
                    </span>
                  ))}
                </td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  {k.revokedAt ? (
                    <span className="chip warn">revoked {when(k.revokedAt)}</span>
                  ) : k.expiresAt && new Date(k.expiresAt) <= new Date() ? (
                    <span className="chip warn">expired {when(k.expiresAt)}</span>
                  ) : (
                    <span className="chip ok">active{k.expiresAt ? ` until ${when(k.expiresAt)}` : ""}</span>
                  )}
                </td>
                <td>
                  {k.revokedAt ? null : (
                    <button type="button" aria-label={`Revoke ${k.name}`} disabled={revoke.isPending} onClick={() => revoke.mutate({ id: k.id })}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
