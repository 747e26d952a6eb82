"""Accessibility checks with axe-core (tests/vendor/axe-core, never served by the application): the rules
of WCAG 2.0/2.1 levels A and AA, run in Chromium on the page as a person sees it.

Use::

    from tests.axe import assert_accessible

    page = watch.open(chromium, f"{live_server.url}/massnahmen/")
    assert_accessible(page)                   # the whole page
    assert_accessible(page, context="#queue") # a part of it, e.g. after opening a dialog
"""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, *, context: str | None = None) -> list[dict]:
    """axe-core's violations of WCAG 2.1 A and AA on the page (or inside ``context``, a CSS selector):
    a list of {id, impact, help, nodes: [html of the offending element, …]}."""
    # DevTools' evaluate is outside the page's CSP, so the pages keep their strict policy
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context || document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.html.slice(0, 200)),
            }));
        }""",
        [context, TAGS],
    )


def assert_accessible(page, *, context: str | None = None) -> None:
    """No axe-core violation of WCAG 2.1 A/AA; the message lists each rule with its elements."""
    violations = axe_violations(page, context=context)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in violations
    )
