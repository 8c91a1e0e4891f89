"""`check_model`: can this model run at all? Asked once before a run of many articles (`eval`,
`batch`), so that a model that cannot work fails at once, with one line naming it and why,
instead of after every article.

Checked, in order: the model resolves (known provider, key present: `models.resolve`) and the
prompt exists; then
- `--offline`: every article has a cassette for this model and prompt (the missing ones named);
- `--record-missing`: as offline when every cassette is there (no model needed), else as live;
- live: a local model's weights are installed (or a `summarizer serve` runs it), a remote
  model's server answers a short `GET <base_url>/models` and does not refuse the key.
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.config import Settings
from summarizer.errors import CassetteMissError, ConfigError, ProviderError
from summarizer.extraction import _prompts as prompts
from summarizer.inputs import Article
from summarizer.models import ModelSpec, is_recorded, resolve

PROBE_TIMEOUT_S = 5.0  # the server check: connect and answer within this


def check_model(
    model: str, settings: Settings, articles: Sequence[Article] = (), *, probe_timeout: float = PROBE_TIMEOUT_S
) -> ModelSpec:
    """The model's spec, or a SummarizerError saying why it cannot run: ConfigError (unknown
    model or prompt, missing key, weights not installed, key refused), ProviderError (server
    unreachable), CassetteMissError (--offline and articles not recorded)."""
    spec = resolve(model, settings)
    prompt = prompts.load(settings.prompt_version)
    if settings.offline or settings.record_missing:
        folder = settings.cassettes()
        missing = [a for a in articles if not is_recorded(folder, spec.name, prompt.version, a)]
        if settings.offline:
            if missing:
                names = ", ".join(a.id for a in missing[:3]) + (" ..." if len(missing) > 3 else "")
                raise CassetteMissError(
                    f"{spec.name}: {len(missing)} of {len(articles)} articles have no cassette for prompt "
                    f"{prompt.version} in {folder}: {names}",
                    hint="record them with --record-missing (needs the model), or run without --offline",
                )
            return spec
        if not missing:
            return spec
    if spec.local:
        _check_local(spec, settings)
    else:
        _check_server(spec, probe_timeout)
    return spec


def _check_local(spec: ModelSpec, settings: Settings) -> None:
    """Weights installed, unless a server for it is given or already running."""
    if settings.local_base_url:
        return
    from summarizer import local

    if local.find_running(spec.name) is None:
        local.require_installed(spec.name)


def _check_server(spec: ModelSpec, timeout: float) -> None:
    """The server answers `GET /models` within `timeout` and does not refuse the key."""
    from summarizer.models import bounded_http_transport, deadline, httpx, redact_url

    base = (spec.base_url or "https://api.openai.com/v1").rstrip("/")
    shown = redact_url(base)
    headers = {} if spec.api_key in (None, "", "not-needed") else {"Authorization": f"Bearer {spec.api_key}"}
    try:
        with deadline(timeout), httpx.Client(transport=bounded_http_transport(), timeout=timeout) as client:
            status = client.get(f"{base}/models", headers=headers).status_code
    except (httpx.HTTPError, OSError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ProviderError(
            f"{spec.name}: the server at {shown} does not answer ({reason})",
            hint="start it, or check --base-url / the config file",
        ) from None
    if status in (401, 403):
        raise ConfigError(
            f"{spec.name}: the server at {shown} refused the key (HTTP {status})",
            hint="check the key in the provider's key variable",
        )
