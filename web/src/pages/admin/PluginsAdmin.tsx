/**
 * Plugins: upload a bundle, enable, disable (confirmed when the plugin's
 * `disable_warning` route has something to say, e.g. active incidents),
 * remove (optionally purging its data).
 */
import { useCallback, useEffect, useState, type FormEvent } from "react";
import * as z from "zod/mini";
import { pluginListSchema, pluginManifestSummarySchema } from "#common/wire-schemas.ts";
import type { PluginStatus } from "#common/wire.ts";
import { errorMessage } from "../../api/client.ts";
import { ConfirmModal } from "../../components/ConfirmModal.tsx";
import { FormError } from "../../components/FormError.tsx";
import { Modal } from "../../components/Modal.tsx";
import { useServices } from "../../store/services.ts";

function RemoveDialog({ plugin, onClose, onRemoved }: { plugin: PluginStatus; onClose(): void; onRemoved(message: string): void }) {
  const { api } = useServices();
  const [purge, setPurge] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.delete(`/api/v4/plugins/${encodeURIComponent(plugin.id)}`, purge ? { purge: "true" } : undefined);
      onRemoved(`${plugin.name} was removed${purge ? " and its data deleted" : "; its data is kept"}.`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Modal title={`Remove ${plugin.name}?`} onClose={onClose}>
      <form className="stack-form" onSubmit={remove}>
        <p>The plugin is uninstalled. Its data stays unless you also purge it.</p>
        <label className="checkbox">
          <input type="checkbox" checked={purge} onChange={(e) => setPurge(e.target.checked)} /> Also delete all of its data (cannot be
          undone)
        </label>
        <FormError message={error} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button danger">
            Remove
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function PluginsAdmin() {
  const { api } = useServices();
  const [plugins, setPlugins] = useState<PluginStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [removing, setRemoving] = useState<PluginStatus | null>(null);
  const [confirmingDisable, setConfirmingDisable] = useState<{ plugin: PluginStatus; message: string } | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await api.get("/api/v4/plugins", pluginListSchema);
      setPlugins(
        [...list.active.map((p) => ({ ...p, active: true })), ...list.inactive.map((p) => ({ ...p, active: false }))].sort((a, b) =>
          a.name.localeCompare(b.name),
        ),
      );
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (plugin: PluginStatus, action: "enable" | "disable") => {
    setBusy(plugin.id);
    setError(null);
    setNotice(null);
    try {
      await api.post(`/api/v4/plugins/${encodeURIComponent(plugin.id)}/${action}`);
      setNotice(`${plugin.name} is ${action === "enable" ? "enabled" : "disabled"}.`);
      await load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  /** Disable at once, or first confirm what the plugin warns about (a failing warning route does not stand in the way). */
  const disable = async (plugin: PluginStatus) => {
    if (plugin.disable_warning) {
      const path = `/plugins/${encodeURIComponent(plugin.id)}${plugin.disable_warning}`;
      const warning = await api.get(path, z.object({ message: z.string() })).catch(() => null);
      if (warning?.message) {
        setConfirmingDisable({ plugin, message: warning.message });
        return;
      }
    }
    await act(plugin, "disable");
  };

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy("upload");
    setError(null);
    setNotice(null);
    try {
      const form = new FormData();
      form.append("plugin", file);
      const manifest = await api.read(pluginManifestSummarySchema, "/api/v4/plugins", {
        method: "POST",
        body: form,
        query: force ? { force: "true" } : undefined,
      });
      setNotice(`Uploaded ${manifest.name} ${manifest.version}. Enable it to turn it on.`);
      setFile(null);
      (event.target as HTMLFormElement).reset();
      await load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <h1>Plugins</h1>
      <section aria-labelledby="upload-title" className="admin-card">
        <h2 id="upload-title">Upload a plugin</h2>
        <form className="stack-form" onSubmit={upload}>
          <label htmlFor="plugin-file">Plugin bundle (.tar.gz)</label>
          <input
            id="plugin-file"
            type="file"
            accept=".tar.gz,.tgz,application/gzip"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <label className="checkbox">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Replace the installed version if there is
            one
          </label>
          <button type="submit" className="button primary" disabled={!file || busy === "upload"}>
            Upload
          </button>
        </form>
      </section>
      <div aria-live="polite">
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
      </div>
      <FormError message={error} />
      <section aria-labelledby="installed-title" className="admin-card">
        <h2 id="installed-title">Installed plugins</h2>
        {plugins === null ? (
          <p>Loading…</p>
        ) : plugins.length === 0 ? (
          <p>No plugins are installed.</p>
        ) : (
          <ul className="plugin-list">
            {plugins.map((p) => (
              <li key={p.id} data-plugin-id={p.id}>
                <div>
                  <strong>{p.name}</strong>{" "}
                  <span className="muted">
                    {p.id} {p.version}
                  </span>
                  <span className={`status ${p.active ? "on" : "off"}`}>{p.active ? "Enabled" : "Disabled"}</span>
                  {p.description && <p className="muted">{p.description}</p>}
                  {p.before_post_hook_skipped_until ? (
                    <p className="notice" role="note">
                      Its messageWillBePosted hook timed out twice in a row: skipped until{" "}
                      {new Date(p.before_post_hook_skipped_until).toLocaleTimeString()}, posts go through unchanged meanwhile.
                    </p>
                  ) : null}
                </div>
                <div className="row-actions">
                  {p.active ? (
                    <button
                      type="button"
                      className="button"
                      disabled={busy === p.id}
                      onClick={() => void disable(p)}
                      aria-label={`Disable ${p.name}`}
                    >
                      Disable
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button"
                      disabled={busy === p.id}
                      onClick={() => void act(p, "enable")}
                      aria-label={`Enable ${p.name}`}
                    >
                      Enable
                    </button>
                  )}
                  <button type="button" className="button danger" onClick={() => setRemoving(p)} aria-label={`Remove ${p.name}`}>
                    Remove
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      {confirmingDisable && (
        <ConfirmModal
          title={`Disable ${confirmingDisable.plugin.name}?`}
          confirmLabel="Disable"
          danger
          onConfirm={async () => {
            setConfirmingDisable(null);
            await act(confirmingDisable.plugin, "disable");
          }}
          onClose={() => setConfirmingDisable(null)}
        >
          <p>{confirmingDisable.message}</p>
        </ConfirmModal>
      )}
      {removing && (
        <RemoveDialog
          plugin={removing}
          onClose={() => setRemoving(null)}
          onRemoved={(message) => {
            setRemoving(null);
            setNotice(message);
            void load();
          }}
        />
      )}
    </>
  );
}
