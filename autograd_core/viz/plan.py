"""What `draw_graph` draws for one root: the nodes, their module scopes and names,
and which edges are drawn from a repeated copy of their source."""

from __future__ import annotations

from typing import Any

from ..backward import toposort

#: Upper bound on the rank-spanning length of the edges given to Graphviz. Every rank an
#: edge crosses becomes a virtual node in `dot`'s layout; a Value reused all along a deep
#: graph (a weight shared by every step of a long chain) adds tens of thousands of them,
#: and the layout then takes minutes. Past this budget, the longest edges start from a
#: repeated copy of their source, drawn next to the op that uses it.
LONG_EDGE_BUDGET = 1000


class Plan:
    """The graph behind `root` in backward order, with everything derived from it."""

    def __init__(self, root: Any, long_edge_budget: int | None = None) -> None:
        self.root = root
        self.order = toposort(root, include_constants=True)
        self.index = {id(v): i for i, v in enumerate(self.order)}
        self.n_ops = sum(1 for v in self.order if v.op)
        self.scopes = self._assign_scopes()
        self.names, owners = self._parameter_names()
        for key, path in owners.items():
            self.scopes[key] = path
        self._budget = long_edge_budget
        self._cut: set | None = None

    @property
    def cut(self) -> set[tuple[int, int]]:
        """The input edges, as (consumer index, input position), drawn from a copy."""
        if self._cut is None:
            budget = LONG_EDGE_BUDGET if self._budget is None else self._budget
            self._cut = self._long_edges(budget)
        return self._cut

    @property
    def n_nodes(self) -> int:
        """Value nodes plus op nodes."""
        return len(self.order) + self.n_ops

    def _assign_scopes(self) -> dict[int, tuple]:
        # A constant made by an op inside a module (the 2 in `2 * x`) is created
        # outside any scope; draw it (unless the user labelled it) next to the
        # first op that uses it.
        scopes: dict[int, tuple] = {}
        for v in self.order:  # children come before their parents
            scope = tuple(getattr(v, "scope", ()) or ())
            if id(v) in scopes and not scope:
                continue
            scopes[id(v)] = scope
            if v.op and scope:
                for p in v.parents:
                    if (not p.requires_grad and not p.parents and not p.label
                            and id(p) not in scopes):
                        scopes[id(p)] = scope
        return scopes

    def _parameter_names(self) -> tuple[dict[int, str], dict[int, tuple]]:
        """Names from the outermost modules, and the scope of the module that owns each
        parameter (the deepest module whose `named_parameters()` lists it)."""
        paths = {tuple(map(id, s)): s for s in self.scopes.values() if s}
        drawn = self.index
        owners: dict[int, tuple] = {}
        for path in sorted(paths.values(), key=len, reverse=True):
            for _, p in _named_parameters(path[-1]):
                if id(p) in drawn:
                    owners.setdefault(id(p), path)
        names: dict[int, str] = {}
        for top in {id(path[0]): path[0] for path in paths.values()}.values():
            for name, p in _named_parameters(top):
                if id(p) in drawn:
                    names.setdefault(id(p), name)
        return names, owners

    def _long_edges(self, budget: int) -> set[tuple[int, int]]:
        """The input edges, as (consumer index, input position), to draw from a copy.

        Ranks are estimated as `dot` assigns them: an op one rank after its latest
        input, its result one rank after it, and a leaf just before its first use.
        """
        order, index = self.order, self.index
        n = len(order)
        rank = [0] * n
        for i in range(n - 1, -1, -1):  # every parent before its children
            v = order[i]
            if v.op:
                rank[i] = max(rank[index[id(p)]] for p in v.parents) + 2
        first_use = {}
        for i, v in enumerate(order):
            for p in v.parents:
                j = index[id(p)]
                if not order[j].parents:
                    first_use[j] = min(first_use.get(j, rank[i] - 2), rank[i] - 2)
        for j, r in first_use.items():
            rank[j] = r
        edges = []
        total = 0
        for i, v in enumerate(order):
            for slot, p in enumerate(v.parents):
                extra = rank[i] - 2 - rank[index[id(p)]]  # ranks crossed before the op
                if extra > 0:
                    edges.append((extra, i, slot))
                    total += extra
        cut = set()
        if total > budget:
            edges.sort(reverse=True)
            for extra, i, slot in edges:
                if total <= budget:
                    break
                cut.add((i, slot))
                total -= extra
        return cut


def _named_parameters(module: Any) -> list:
    fn = getattr(module, "named_parameters", None)
    return list(fn()) if callable(fn) else []
