"""Accessible names for the controls that Solara and Vuetify leave unnamed.

Solara's menu button (the "hamburger" that shows or hides the sidebar) is an icon with
no text, and a Vuetify slider's handle has no label; a screen reader announces both as
nameless.  :class:`AccessibleNames` is an invisible template widget, placed once on
the page, that watches the page and gives each of them an ``aria-label``: the menu
button "Show or hide the settings", each slider the caption shown above it (e.g.
"Handle time (AHT): 1.00").
"""

from __future__ import annotations

from typing import Any

import ipyvuetify as v
from ipyvue import Template

TEMPLATE = r"""
<template>
  <span class="kpisim-a11y" style="display: none"></span>
</template>
<script>
module.exports = {
  mounted() {
    const name = () => {
      document.querySelectorAll(".v-app-bar__nav-icon").forEach((b) => {
        if (!b.getAttribute("aria-label")) {
          b.setAttribute("aria-label", "Show or hide the settings");
        }
      });
      document.querySelectorAll("[role=slider]").forEach((s) => {
        const box = s.closest(".kpisim-slider") || s.closest(".v-input");
        const caption = box && box.previousElementSibling;
        if (caption && caption.classList.contains("kpisim-ctl")) {
          const text = caption.innerText.replace(" · not applied", "").trim();
          if (s.getAttribute("aria-label") !== text) { s.setAttribute("aria-label", text); }
        }
      });
    };
    name();
    this.observer = new MutationObserver(() => name());
    this.observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  },
  destroyed() {
    if (this.observer) { this.observer.disconnect(); }
  },
};
</script>
"""


class AccessibleNames(v.VuetifyTemplate):
    """Invisible: names the page's unnamed icon button and sliders (see module doc)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("template", Template(template=TEMPLATE))
        super().__init__(**kwargs)
