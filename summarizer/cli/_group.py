"""The root command group's conventions, in one place (`SummarizerGroup`, the app's `cls`):

- Global options are accepted after the command too: `summarizer summarize A --offline` is
  `summarizer --offline summarize A`. The global options are the root callback's own options
  (whatever it declares, nothing listed here); an option the command itself declares under the
  same name stays the command's, and nothing after `--` is touched (`hoist_global_options`).
- Usage errors (an unknown option, a missing argument, a bad choice) are one line on stderr,
  `summarizer: error: ...` and exit 2, like every other error; `summarizer` alone shows the help.
- Flags show no `<bool>` type in the help (`hide_flag_types`).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from typer.core import TyperGroup

# typer carries its own copy of click: its exceptions live where typer.BadParameter does
_exceptions = importlib.import_module(typer.BadParameter.__module__)


def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", None) == "option"


def _options(command: Any, ctx: Any) -> list[Any]:
    return [p for p in command.get_params(ctx) if _is_option(p)]


def _takes_value(option: Any) -> bool:
    return not (option.is_flag or option.count)


def _names(option: Any) -> list[str]:
    return [*option.opts, *option.secondary_opts]


def _subcommand_options(command: Any, ctx: Any) -> dict[str, Any]:
    """Every option name of `command` and of the commands under it (a group's subcommands)."""
    found: dict[str, Any] = {}
    stack = [command]
    while stack:
        cmd = stack.pop()
        for option in _options(cmd, ctx):
            for name in _names(option):
                found.setdefault(name, option)
        stack.extend(getattr(cmd, "commands", {}).values())
    return found


def _option_named(token: str, options: dict[str, Any]) -> tuple[Any, bool] | None:
    """The option `token` names (`--x`, or `--x=value`: then True, its value is attached)."""
    if token in options:
        return options[token], False
    name, eq, _ = token.partition("=")
    if eq and name.startswith("--") and name in options:
        return options[name], True
    return None


def hoist_global_options(group: Any, ctx: Any, args: Sequence[str]) -> list[str]:
    """`args` with the global options found after the command (and their values) moved before
    it. A token is a global option only where an option may stand: not the value of the
    command's own option, not after `--`, and not a name the command declares itself."""
    args = list(args)
    globals_ = {name: opt for opt in _options(group, ctx) for name in _names(opt) if opt.name != "help"}
    i = 0
    while i < len(args) and args[i] != "--":  # the command: the first token that is not a global option
        named = _option_named(args[i], globals_)
        if named is None:
            break
        i += 1 + (1 if _takes_value(named[0]) and not named[1] else 0)
    if i >= len(args) or args[i] == "--":
        return args
    command = group.get_command(ctx, args[i])
    if command is None:
        return args
    own = _subcommand_options(command, ctx)
    globals_ = {name: opt for name, opt in globals_.items() if name not in own}
    head, moved, rest = args[: i + 1], [], []
    j = i + 1
    while j < len(args):
        token = args[j]
        if token == "--":
            rest.extend(args[j:])
            break
        mine = _option_named(token, own)
        if mine is not None:
            take = 2 if _takes_value(mine[0]) and not mine[1] else 1
            rest.extend(args[j : j + take])
            j += take
            continue
        named = _option_named(token, globals_)
        if named is not None:
            take = 2 if _takes_value(named[0]) and not named[1] else 1
            if j + take > len(args):
                raise _exceptions.UsageError(f"Option '{token}' requires an argument.", ctx)
            moved.extend(args[j : j + take])
            j += take
            continue
        rest.append(token)
        j += 1
    return [*head[:i], *moved, head[i], *rest]


HELP_OPTION_NAMES = ["-h", "--help"]


def hide_flag_types(commands: Iterable[Any]) -> None:
    """Flags take no value: show no `<bool>` for them (and for -h/--help) in the help."""
    stack = list(commands)
    while stack:
        cmd = stack.pop()
        help_option = cmd.get_help_option(typer.Context(cmd, help_option_names=HELP_OPTION_NAMES))
        for param in [*cmd.params, *([help_option] if help_option is not None else [])]:
            if _is_option(param) and param.is_flag and param.metavar is None:
                param.metavar = ""
        stack.extend(getattr(cmd, "commands", {}).values())


def _one_line(exc: Any) -> str:
    hint = ""
    if isinstance(exc, _exceptions.UsageError) and getattr(exc, "ctx", None) is not None:
        hint = f" (hint: {exc.ctx.command_path} --help)"
    return f"summarizer: error: {' '.join(exc.format_message().split())}{hint}"


class SummarizerGroup(TyperGroup):
    """The root group: global options after the command, one-line usage errors, flags
    without a type in the help."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(self, ctx, args))

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        hide_flag_types([self])
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        no_args_help = getattr(_exceptions, "NoArgsIsHelpError", ())
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except no_args_help as exc:  # `summarizer` alone: the help
            exc.show()
            sys.exit(exc.exit_code)
        except _exceptions.ClickException as exc:  # bad usage: one line, like every other error
            typer.echo(_one_line(exc), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            from summarizer.errors import EXIT_INTERRUPTED

            typer.echo("summarizer: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)
