"use client";
// The new-experiment form: every run setting with its default and help, presets, inline errors (number format
// here, everything else from the server's schema while typing and on launch), endpoint connection tests.
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc-provider";
import { ErrorState, Loading } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import styles from "./experiments.module.css";
import { ALL_FIELDS, FIELD_GROUPS, PRESETS, type FieldDef, type FieldGroup } from "./run-fields";

type Defaults = inferRouterOutputs<AppRouter>["experiments"]["defaults"];
type Values = Record<string, string>;
type Issues = Record<string, string>;

const KIND_PATHS = ["policy.kind", "synthesizer.kind"] as const;
/** the settings presets set; changing another (policy, synthesizer) keeps the preset marked */
const METHOD_PATHS = new Set(FIELD_GROUPS.filter((g) => !g.when).flatMap((g) => g.fields.map((f) => f.path)));

function toRaw(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

function flatten(obj: Record<string, unknown>, prefix = "", out: Values = {}): Values {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v as Record<string, unknown>, path, out);
    else out[path] = toRaw(v);
  }
  return out;
}

function initialValues(d: Defaults): Values {
  return {
    ...flatten({ policy: d.policies.openai }),
    ...flatten({ policy: d.policies.simulated }),
    ...flatten({ synthesizer: d.synthesizers.llm }),
    ...flatten(d.config as unknown as Record<string, unknown>),
  };
}

const isVisible = (g: FieldGroup, values: Values) => !g.when || values[g.when.path] === g.when.value;

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

/** The config to send and the errors only the browser can see (a number field that holds no number). */
function buildConfig(values: Values): { config: Record<string, unknown>; clientErrors: Issues } {
  const config: Record<string, unknown> = {};
  const clientErrors: Issues = {};
  for (const path of KIND_PATHS) setPath(config, path, values[path]);
  for (const group of FIELD_GROUPS) {
    if (!isVisible(group, values)) continue;
    for (const f of group.fields) {
      const raw = (values[f.path] ?? "").trim();
      if (f.kind === "integer" || f.kind === "number") {
        if (raw === "") {
          if (f.nullLabel) setPath(config, f.path, null);
          else clientErrors[f.path] = "Enter a number.";
        } else if (!Number.isFinite(Number(raw))) clientErrors[f.path] = `“${raw}” is not a number.`;
        else setPath(config, f.path, Number(raw));
      } else if (raw === "" && f.nullLabel) {
        // an optional choice (the API key variable): left out rather than sent empty
      } else setPath(config, f.path, raw);
    }
  }
  return { config, clientErrors };
}

function issuesByPath(issues: { path: (string | number)[]; message: string }[], strip?: string): Issues {
  const out: Issues = {};
  for (const i of issues) {
    const parts = i.path.map(String);
    const key = (strip && parts[0] === strip ? parts.slice(1) : parts).join(".") || "config";
    out[key] ??= i.message;
  }
  return out;
}

type CloneSource = inferRouterOutputs<AppRouter>["runs"]["cloneConfig"];

/** `fromRunId`: start from that run's settings ("run again with these settings"), all still editable. */
export function ExperimentForm({ fromRunId }: { fromRunId?: string }) {
  const trpc = useTRPC();
  const defaults = useQuery({ ...trpc.experiments.defaults.queryOptions(), staleTime: Infinity });
  const source = useQuery({ ...trpc.runs.cloneConfig.queryOptions({ id: fromRunId ?? "" }), enabled: Boolean(fromRunId), retry: false });
  if (defaults.isPending || (fromRunId && source.isPending)) return <Loading label="Loading the default settings…" />;
  if (defaults.isError) return <ErrorState title="Could not load the default settings" message={defaults.error.message} onRetry={() => void defaults.refetch()} />;
  if (fromRunId && source.isError) return <ErrorState title="Could not load the settings of that run" message={source.error.message} />;
  return <Form defaults={defaults.data} source={fromRunId ? source.data : undefined} />;
}

function Form({ defaults, source }: { defaults: Defaults; source?: CloneSource }) {
  const trpc = useTRPC();
  const router = useRouter();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  const datasets = useQuery(trpc.experiments.datasets.queryOptions());
  const base = useMemo(() => initialValues(defaults), [defaults]);
  const [values, setValues] = useState<Values>(() => (source ? { ...base, ...flatten(source.config) } : base));
  const [name, setName] = useState(source?.name ?? "");
  const [preset, setPreset] = useState<string | null>(null);
  const [submitIssues, setSubmitIssues] = useState<Issues>({});
  const [submitError, setSubmitError] = useState<string | null>(null);

  const { config, clientErrors } = useMemo(() => buildConfig(values), [values]);
  // Validate on the server while typing, a moment after the last keystroke.
  const [checked, setChecked] = useState(config);
  useEffect(() => {
    const t = setTimeout(() => setChecked(config), 300);
    return () => clearTimeout(t);
  }, [config]);
  const check = useQuery({ ...trpc.experiments.check.queryOptions({ config: checked }), placeholderData: keepPreviousData });
  const checkIssues = useMemo(() => issuesByPath(check.data?.issues ?? []), [check.data]);
  const errors: Issues = { ...checkIssues, ...submitIssues, ...clientErrors };
  const knownPaths = new Set([...KIND_PATHS, ...FIELD_GROUPS.filter((g) => isVisible(g, values)).flatMap((g) => g.fields.map((f) => f.path))]);
  const otherErrors = Object.entries(errors).filter(([path]) => !knownPaths.has(path));
  const errorCount = Object.keys(errors).length;

  const create = useMutation(
    trpc.experiments.create.mutationOptions({
      onSuccess: (run) => router.push(`/runs/${run.id}`),
      onError: (e) => {
        const zodIssues = e.data && "zodIssues" in e.data ? (e.data.zodIssues as { path: (string | number)[]; message: string }[] | undefined) : undefined;
        if (zodIssues?.length) {
          setSubmitIssues(issuesByPath(zodIssues, "config"));
          setSubmitError("The server did not accept these settings; see the fields marked below.");
        } else setSubmitError(e.message);
      },
    }),
  );

  function change(path: string, value: string) {
    setValues((v) => ({ ...v, [path]: value }));
    if (METHOD_PATHS.has(path)) setPreset(null);
    setSubmitIssues(({ [path]: _gone, ...rest }) => rest);
  }

  function applyPreset(id: string) {
    const p = PRESETS.find((x) => x.id === id)!;
    setValues((v) => {
      const next = { ...v };
      // Method settings go back to their defaults first; the policy and synthesizer choices are kept.
      for (const g of FIELD_GROUPS) if (!g.when) for (const f of g.fields) next[f.path] = base[f.path] ?? "";
      for (const [path, value] of Object.entries(p.values)) next[path] = toRaw(value);
      return next;
    });
    setPreset(id);
    setSubmitIssues({});
    setSubmitError(null);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitError(null);
    if (errorCount > 0) {
      setSubmitError(`Fix the ${errorCount === 1 ? "setting" : `${errorCount} settings`} marked below first.`);
      const first = ALL_FIELDS.find((f) => errors[f.path] && knownPaths.has(f.path));
      if (first) document.getElementById(fieldId(first.path))?.focus();
      return;
    }
    create.mutate({ name: name.trim() || undefined, config: config as never });
  }

  const isSignedIn = Boolean(me.data);
  return (
    <form onSubmit={onSubmit} noValidate aria-label="New experiment">
      {source ? (
        <div className="banner" role="status" data-testid="clone-source">
          Starting from the settings of <Link href={`/runs/${source.sourceRunId}`}>{source.name.replace(/ \(again\)$/, "")}</Link>; change what you need and launch a new run.
        </div>
      ) : null}
      <div className={styles.presets} role="group" aria-label="Presets">
        {PRESETS.map((p) => (
          <button key={p.id} type="button" className={styles.preset} aria-pressed={preset === p.id} onClick={() => applyPreset(p.id)}>
            <strong>{p.label}</strong>
            <span className={styles.help}>{p.description}</span>
          </button>
        ))}
      </div>

      <fieldset className={styles.fieldset}>
        <legend>Name</legend>
        <div className={styles.field} style={{ maxWidth: 480 }}>
          <label htmlFor="field-name">Run name</label>
          <input id="field-name" aria-describedby="field-name-help" value={name} maxLength={200} placeholder={`${values.mode} · today's date`} onChange={(e) => setName(e.target.value)} />
          <span id="field-name-help" className={styles.help}>
            Optional; shown in the runs list and on the monitor.
          </span>
        </div>
        <p className={styles.help} style={{ marginBottom: 0 }}>
          Mode <strong>{values.mode}</strong>: {(defaults.modeTexts as Record<string, string>)[values.mode ?? ""] ?? ""}
        </p>
      </fieldset>

      {FIELD_GROUPS.filter((g) => !g.when).map((g) => (
        <Group key={g.title} group={g} values={values} defaults={base} errors={errors} onChange={change} modeTexts={defaults.modeTexts} datasets={datasets.data} />
      ))}

      <fieldset className={styles.fieldset}>
        <legend>Policy</legend>
        <div className={styles.radios} role="radiogroup" aria-label="Policy">
          <label>
            <input type="radio" name="policy-kind" checked={values["policy.kind"] === "simulated"} onChange={() => change("policy.kind", "simulated")} /> Simulated learner (no GPU,
            no network; a testbed for the data loop)
          </label>
          <label>
            <input type="radio" name="policy-kind" checked={values["policy.kind"] === "openai"} onChange={() => change("policy.kind", "openai")} /> OpenAI-compatible endpoint
          </label>
        </div>
        {errors["policy.kind"] || errors.policy ? <p className={styles.error}>{errors["policy.kind"] ?? errors.policy}</p> : null}
        {FIELD_GROUPS.filter((g) => g.when?.path === "policy.kind" && isVisible(g, values)).map((g) => (
          <Group key={g.title} group={g} values={values} defaults={base} errors={errors} onChange={change} keyEnvs={defaults.allowedKeyEnvs} isNested />
        ))}
        {values["policy.kind"] === "openai" ? <ConnectionTest prefix="policy" values={values} /> : null}
      </fieldset>

      <fieldset className={styles.fieldset}>
        <legend>Synthesizer</legend>
        <div className={styles.radios} role="radiogroup" aria-label="Synthesizer">
          <label>
            <input type="radio" name="synth-kind" checked={values["synthesizer.kind"] === "procedural"} onChange={() => change("synthesizer.kind", "procedural")} /> Procedural (no
            model)
          </label>
          <label>
            <input type="radio" name="synth-kind" checked={values["synthesizer.kind"] === "llm"} onChange={() => change("synthesizer.kind", "llm")} /> LLM (OpenAI-compatible)
          </label>
        </div>
        {errors["synthesizer.kind"] || errors.synthesizer ? <p className={styles.error}>{errors["synthesizer.kind"] ?? errors.synthesizer}</p> : null}
        {FIELD_GROUPS.filter((g) => g.when?.path === "synthesizer.kind" && isVisible(g, values)).map((g) => (
          <Group key={g.title} group={g} values={values} defaults={base} errors={errors} onChange={change} keyEnvs={defaults.allowedKeyEnvs} isNested />
        ))}
        {values["synthesizer.kind"] === "llm" ? <ConnectionTest prefix="synthesizer" values={values} /> : null}
      </fieldset>

      {otherErrors.length ? (
        <div className="state state-error" role="alert">
          <strong>Other problems</strong>
          {otherErrors.map(([path, message]) => (
            <div key={path}>
              {path}: {message}
            </div>
          ))}
        </div>
      ) : null}
      {submitError ? <ErrorState title="Not launched" message={submitError} /> : null}
      {me.isSuccess && !isSignedIn ? (
        <div className="banner" role="status">
          <Link href="/sign-in?next=/experiments/new">Sign in</Link> to launch an experiment.
        </div>
      ) : null}
      <div className={styles.actions}>
        <button type="submit" className={styles.launch} disabled={create.isPending || !isSignedIn}>
          {create.isPending ? "Launching…" : "Launch experiment"}
        </button>
        <span className="muted" aria-live="polite" data-testid="validation-summary">
          {errorCount === 0 ? (check.isFetching ? "Checking…" : "All settings are valid.") : `${errorCount} setting${errorCount === 1 ? "" : "s"} to fix.`}
        </span>
      </div>
    </form>
  );
}

function fieldId(path: string) {
  return `field-${path.replaceAll(".", "-")}`;
}

function Group({
  group,
  values,
  defaults,
  errors,
  onChange,
  keyEnvs = [],
  modeTexts = {},
  datasets,
  isNested = false,
}: {
  group: FieldGroup;
  values: Values;
  defaults: Values;
  errors: Issues;
  onChange: (path: string, value: string) => void;
  /** the endpoint key variables the server allows */
  keyEnvs?: string[];
  /** the server's text per run mode: the mode picker's options */
  modeTexts?: Record<string, string>;
  /** the imported datasets (undefined while loading) */
  datasets?: { name: string; train: number; test: number }[];
  isNested?: boolean;
}) {
  const grid = (
    <div className={styles.grid}>
      {group.fields.map((f) => (
        <Field
          key={f.path}
          field={
            f.isKeyEnvPicker
              ? keyEnvField(f, keyEnvs, values[f.path] ?? "")
              : f.isDatasetPicker
                ? datasetField(f, datasets, values[f.path] ?? "")
                : f.path === "mode"
                  ? modeField(f, modeTexts)
                  : f
          }
          value={values[f.path] ?? ""}
          defaultValue={defaults[f.path] ?? ""}
          error={errors[f.path]}
          onChange={onChange}
        />
      ))}
    </div>
  );
  if (isNested) {
    return (
      <div role="group" aria-label={group.title}>
        <h3 style={{ fontSize: 14, margin: "6px 0" }}>{group.title}</h3>
        {grid}
      </div>
    );
  }
  return (
    <fieldset className={styles.fieldset}>
      <legend>{group.title}</legend>
      {grid}
    </fieldset>
  );
}

/** The key variable as a choice among the allowed names (or none); a cloned run's name the server no longer allows stays visible, marked. */
function keyEnvField(f: FieldDef, allowed: string[], current: string): FieldDef {
  const options = [{ value: "", label: "none (keyless endpoint)" }, ...allowed.map((name) => ({ value: name, label: name }))];
  if (current && !allowed.includes(current)) options.push({ value: current, label: `${current} (not allowed on this server)` });
  const help = allowed.length ? f.help : `${f.help} This server allows none, so only keyless endpoints can be used.`;
  return { ...f, options, help };
}

/** The imported datasets with their split sizes; a cloned run's dataset that is gone stays visible, marked. */
function datasetField(f: FieldDef, datasets: { name: string; train: number; test: number }[] | undefined, current: string): FieldDef {
  const options = (datasets ?? []).map((d) => ({ value: d.name, label: `${d.name} · ${d.train} train / ${d.test} held-out tasks` }));
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: datasets ? `${current} (not imported on this server)` : current });
  const help = datasets && datasets.length === 0 ? `${f.help} No dataset is imported yet.` : f.help;
  return { ...f, options, help };
}

/** One option per mode the server knows, labelled by the start of its text ("ablation", "baseline", …). */
function modeField(f: FieldDef, texts: Record<string, string>): FieldDef {
  return { ...f, options: Object.entries(texts).map(([value, text]) => ({ value, label: `${value} · ${text.split(":")[0]}` })) };
}

function Field({ field: f, value, defaultValue, error, onChange }: { field: FieldDef; value: string; defaultValue: string; error?: string; onChange: (path: string, value: string) => void }) {
  const id = fieldId(f.path);
  const describedBy = `${id}-help${error ? ` ${id}-error` : ""}`;
  const shownDefault = defaultValue === "" ? (f.nullLabel ?? "none") : defaultValue;
  const common = { id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy, className: error ? styles.invalid : undefined };
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{f.label}</label>
      {f.kind === "select" ? (
        <select {...common} value={value} onChange={(e) => onChange(f.path, e.target.value)}>
          {f.options!.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={f.kind === "integer" ? "numeric" : f.kind === "number" ? "decimal" : undefined}
          value={value}
          placeholder={f.nullLabel ?? f.placeholder}
          onChange={(e) => onChange(f.path, e.target.value)}
        />
      )}
      <span id={`${id}-help`} className={styles.help}>
        {f.help} Default: {shownDefault}.
      </span>
      {error ? (
        <span id={`${id}-error`} className={styles.error}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

function ConnectionTest({ prefix, values }: { prefix: "policy" | "synthesizer"; values: Values }) {
  const trpc = useTRPC();
  const probe = useMutation(trpc.experiments.testConnection.mutationOptions());
  const baseUrl = values[`${prefix}.baseUrl`] ?? "";
  const model = values[`${prefix}.model`] ?? "";
  const apiKeyEnv = values[`${prefix}.apiKeyEnv`]?.trim() || undefined;
  const r = probe.data;
  return (
    <div className={styles.probe}>
      <button type="button" disabled={probe.isPending || !baseUrl.trim()} onClick={() => probe.mutate({ baseUrl: baseUrl.trim(), model: model.trim() || undefined, apiKeyEnv })}>
        {probe.isPending ? "Testing…" : `Test connection (${prefix})`}
      </button>
      <div role="status" aria-live="polite" aria-label={`Connection test of the ${prefix}`}>
        {probe.isError ? <span className={styles.error}>{probe.error.message}</span> : null}
        {r?.isOk ? (
          <span>
            <strong style={{ color: "var(--ok-fg)" }}>Connected.</strong> {r.modelCount} model{r.modelCount === 1 ? "" : "s"}: {r.models.slice(0, 8).join(", ")}
            {r.modelCount > 8 ? ", …" : ""}.{" "}
            {r.isModelListed === false ? <span className={styles.error}>“{model}” is not among them.</span> : r.isModelListed ? `“${model}” is listed.` : null}
          </span>
        ) : r ? (
          <span className={styles.error}>
            Could not connect ({r.kind}
            {r.status ? `, HTTP ${r.status}` : ""}): {r.message}
          </span>
        ) : null}
        {r && r.isKeySet === false ? (
          <div className={styles.help}>
            {apiKeyEnv} is not set in the web process; the worker reads its own environment, so check it is set there.
          </div>
        ) : null}
      </div>
    </div>
  );
}
