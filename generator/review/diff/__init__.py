"""Diff: what changed for the callers of a generated client between two versions of a spec.

`diff_apis(old, new)` compares two IRs (`ir.Api`) and returns one `Change` per difference a
caller of the generated package can notice, each classified by its consequence for code written
against the old client:

- **breaking**: code that type-checked and worked against the old client may fail against the new
  one (a method, argument, model or attribute is gone or renamed, an argument became required, a
  type stopped accepting what it accepted or started returning what it did not). Semver: major.
- **non-breaking**: new things, or changes every existing caller survives (an optional argument,
  a widened argument type, a new response field, a deprecation). Semver: minor.
- **docs**: only descriptions, summaries and other documentation changed. Semver: patch.

The rules, by position of a type (*input*: method arguments and models used to build requests;
*output*: return values, stream events, error bodies and models read from responses):

- a type widened (it accepts every old value: `int` -> `float`, `X` -> `X | None`, `X` -> `Any`,
  `Literal[...]` -> `str`): non-breaking as input; breaking as output (the reader may now see a
  value its code does not handle).
- a type narrowed (the reverse): breaking as input; non-breaking as output.
- any other type change (`str` -> `int`, model `A` -> model `B`): breaking.
- an enum (`Literal`) value added: non-breaking either way. As output, enum fields are `Lenient`,
  so the old client already accepts unknown values at run time (an exhaustive `match` may want a
  new case, which is a reason to read the changelog, not a broken call).
- an enum value removed: breaking as input (calls passing it fail type checking and the server
  rejects them); non-breaking as output (the value is simply never returned).
- a field or argument added: non-breaking, unless it is required in an input position.
- a field or argument removed, or its Python name changed: breaking.
- became required: breaking as input; non-breaking as output.
- became optional: non-breaking as input. As output it is breaking unless the type already
  allowed None: the attribute is now typed `X | None`, so `resp.x.y` no longer type-checks and
  may fail at run time.
- deprecated: non-breaking (semver: a deprecation is a minor release).

A model used in both positions takes the worse of the two. Models used only as a request body
that the client explodes into keyword arguments are compared argument by argument on each method,
not again as a model. A model not reachable from any operation is treated as used in both
positions (nothing says how callers use it). `int` values are accepted where `float` is (as in
Python's typing), `bool` is never an `int`.

Everything else:

- methods are matched by HTTP method and path (path parameter names ignored); a different Python
  name or resource is a rename (breaking); a method whose name stayed but whose path changed is
  non-breaking (calls are unchanged). Added methods, resources and models are non-breaking;
  removed ones are breaking. A removed model whose definition reappears under another name (same
  spec location, or the same shape) is reported once, as a rename.
- paging: a method that starts or stops paging is breaking (it returns a page instead of the
  answer, or the reverse); a change in how the next page is requested is non-breaking (calls are
  unchanged); the items' type is compared with the return value.
- security: an operation whose accepted credentials no longer include every old alternative, a
  changed or removed security scheme (constructor argument, header, environment variable) are
  breaking; a new scheme alone is non-breaking (a new optional constructor argument; operations
  that start requiring it are reported as breaking). A changed default server URL is breaking
  (every call made with the default base URL now goes elsewhere); so is a changed client class or
  package name.
- descriptions, summaries, documented defaults, the API title and version: docs.

Changes are sorted by severity, then location, kind and message, so output is deterministic.
"""

from generator.review.diff.changes import Change, Impact, suggested_bump
from generator.review.diff.differ import DiffResult, diff_apis, diff_specs
from generator.review.diff.report import as_dict, render_json, render_markdown

__all__ = [
    "Change",
    "DiffResult",
    "Impact",
    "as_dict",
    "diff_apis",
    "diff_specs",
    "render_json",
    "render_markdown",
    "suggested_bump",
]
