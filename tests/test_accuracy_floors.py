"""Accuracy floors on our own labelled sets, written without sight of the knowledge's examples.

The floors sit a little under today's figures (docs/benchmarks.md): they catch a knowledge edit or a
matcher change that loses ground, not noise. Declining stays cheaper than a confident wrong answer, so
out-of-scope recall has the higher floor, and wrong answers (an answer naming an intent that was not asked)
have a ceiling.

Round 1 (eval/round1/) was written blind in several voices, for the seed posting and for a nurse, a
warehouse and an intern posting whose facts live in eval/round1/knowledge (sharing knowledge/intents.yaml).
Round 2 (eval/round2/) likewise, for the seed posting and a dental assistant, a line cook and a retail
shift supervisor posting (eval/round2/knowledge); rounds 3 to 22 (eval/round3/ … eval/round22/) ask about the
same postings, rounds 7 and 8 mostly in Spanish or in Spanish and English mixed.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KNOWLEDGE, ROOT
from tests.environment import run_cli

pytestmark = pytest.mark.e2e

SEED = "pinterest-backend-engineer"
# The posting each non-seed set of a round asks about, in the round's knowledge directory.
POSTINGS = {
    "round1/nurse": "riverside-registered-nurse",
    "round1/warehouse": "northstar-warehouse-associate",
    "round1/intern": "bloomfield-marketing-intern",
    "round2/dental": "brightsmile-dental-assistant",
    "round2/cook": "harbor-line-cook",
    "round2/quotes-supervisor": "oakline-shift-supervisor",
    "round3/dental": "brightsmile-dental-assistant",
    "round3/supervisor": "oakline-shift-supervisor",
    "round3/quotes-cook": "harbor-line-cook",
    "round4/dental": "brightsmile-dental-assistant",
    "round4/cook": "harbor-line-cook",
    "round4/supervisor": "oakline-shift-supervisor",
    "round4/quotes-dental": "brightsmile-dental-assistant",
    "round5/dental": "brightsmile-dental-assistant",
    "round5/cook": "harbor-line-cook",
    "round5/supervisor": "oakline-shift-supervisor",
    "round5/quotes-cook": "harbor-line-cook",
    "round6/dental": "brightsmile-dental-assistant",
    "round6/cook": "harbor-line-cook",
    "round6/supervisor": "oakline-shift-supervisor",
    "round6/quotes-dental": "brightsmile-dental-assistant",
    "round6/quotes-supervisor": "oakline-shift-supervisor",
    "round7/cook-es": "harbor-line-cook",
    "round7/dental-spanglish": "brightsmile-dental-assistant",
    "round7/supervisor-es": "oakline-shift-supervisor",
    "round8/dental-es": "brightsmile-dental-assistant",
    "round8/supervisor-spanglish": "oakline-shift-supervisor",
    "round8/cook-es-long": "harbor-line-cook",
    "round8/supervisor-en": "oakline-shift-supervisor",
    "round9/pinterest-terse": "pinterest-backend-engineer",
    "round9/pinterest-longwinded": "pinterest-backend-engineer",
    "round9/dental-esl": "brightsmile-dental-assistant",
    "round9/cook-typos": "harbor-line-cook",
    "round9/supervisor-formal": "oakline-shift-supervisor",
    "round9/quotes-pinterest": "pinterest-backend-engineer",
    "round9/quotes-dental": "brightsmile-dental-assistant",
    "round10/cook-newcomer": "harbor-line-cook",
    "round10/dental-parent": "brightsmile-dental-assistant",
    "round10/pinterest-international": "pinterest-backend-engineer",
    "round10/quotes-cook": "harbor-line-cook",
    "round10/quotes-supervisor": "oakline-shift-supervisor",
    "round10/supervisor-blunt": "oakline-shift-supervisor",
    "round10/supervisor-mixed": "oakline-shift-supervisor",
    "round11/cook-veteran": "harbor-line-cook",
    "round11/dental-career-change": "brightsmile-dental-assistant",
    "round11/dental-mixed": "brightsmile-dental-assistant",
    "round11/pinterest-student": "pinterest-backend-engineer",
    "round11/quotes-cook": "harbor-line-cook",
    "round11/quotes-pinterest": "pinterest-backend-engineer",
    "round11/supervisor-esl": "oakline-shift-supervisor",
    "round12/cook-esl": "harbor-line-cook",
    "round12/dental-terse": "brightsmile-dental-assistant",
    "round12/pinterest-formal": "pinterest-backend-engineer",
    "round12/pinterest-mixed": "pinterest-backend-engineer",
    "round12/quotes-dental": "brightsmile-dental-assistant",
    "round12/quotes-supervisor": "oakline-shift-supervisor",
    "round12/supervisor-parent": "oakline-shift-supervisor",
    "round13/quotes-cook": "harbor-line-cook",
    "round13/quotes-dental": "brightsmile-dental-assistant",
    "round13/quotes-pinterest": "pinterest-backend-engineer",
    "round13/quotes-supervisor": "oakline-shift-supervisor",
    "round14/cook-returner": "harbor-line-cook",
    "round14/quotes-cook": "harbor-line-cook",
    "round14/dental-anxious": "brightsmile-dental-assistant",
    "round14/pinterest-british": "pinterest-backend-engineer",
    "round14/pinterest-negotiator": "pinterest-backend-engineer",
    "round14/quotes-pinterest": "pinterest-backend-engineer",
    "round14/supervisor-phone": "oakline-shift-supervisor",
    "round15/cook-student": "harbor-line-cook",
    "round15/dental-returning": "brightsmile-dental-assistant",
    "round15/quotes-dental": "brightsmile-dental-assistant",
    "round15/pinterest-indian-english": "pinterest-backend-engineer",
    "round15/pinterest-skeptic": "pinterest-backend-engineer",
    "round15/quotes-supervisor": "oakline-shift-supervisor",
    "round15/supervisor-manager": "oakline-shift-supervisor",
    "round16/cook-spanish": "harbor-line-cook",
    "round16/dental-graduate": "brightsmile-dental-assistant",
    "round16/pinterest-bootcamp": "pinterest-backend-engineer",
    "round16/pinterest-parent": "pinterest-backend-engineer",
    "round16/quotes-cook": "harbor-line-cook",
    "round16/quotes-pinterest": "pinterest-backend-engineer",
    "round16/supervisor-student": "oakline-shift-supervisor",
    "round17/cook-veteran": "harbor-line-cook",
    "round17/pinterest-junior": "pinterest-backend-engineer",
    "round17/pinterest-plain": "pinterest-backend-engineer",
    "round17/pinterest-senior": "pinterest-backend-engineer",
    "round17/quotes-pinterest": "pinterest-backend-engineer",
    "round17/quotes-supervisor": "oakline-shift-supervisor",
    "round17/supervisor-parent": "oakline-shift-supervisor",
    "round18/cook-office-changer": "harbor-line-cook",
    "round18/dental-vietnamese": "brightsmile-dental-assistant",
    "round18/pinterest-careful": "pinterest-backend-engineer",
    "round18/pinterest-casual": "pinterest-backend-engineer",
    "round18/quotes-dental": "brightsmile-dental-assistant",
    "round18/quotes-pinterest": "pinterest-backend-engineer",
    "round18/supervisor-retired-teacher": "oakline-shift-supervisor",
    "round19/cook-young": "harbor-line-cook",
    "round19/dental-bilingual": "brightsmile-dental-assistant",
    "round19/pinterest-everyday": "pinterest-backend-engineer",
    "round19/pinterest-switcher": "pinterest-backend-engineer",
    "round19/quotes-cook": "harbor-line-cook",
    "round19/quotes-pinterest": "pinterest-backend-engineer",
    "round19/supervisor-night": "oakline-shift-supervisor",
    "round20/cook-career": "harbor-line-cook",
    "round20/dental-newgrad": "brightsmile-dental-assistant",
    "round20/quotes-dental": "brightsmile-dental-assistant",
    "round20/supervisor-retail": "oakline-shift-supervisor",
    "round21/cook-formal": "harbor-line-cook",
    "round21/dental-parent": "brightsmile-dental-assistant",
    "round21/quotes-supervisor": "oakline-shift-supervisor",
    "round21/supervisor-student": "oakline-shift-supervisor",
    "round22/cook-teen": "harbor-line-cook",
    "round22/dental-spanish": "brightsmile-dental-assistant",
    "round22/quotes-cook": "harbor-line-cook",
    "round22/supervisor-veteran": "oakline-shift-supervisor",
}

FLOORS: dict[str, dict[str, float]] = {
    "holdout-questions": {"in_scope_accuracy": 0.96, "oos_recall": 0.90},
    "blind-questions": {"in_scope_accuracy": 0.95, "oos_recall": 0.95, "multi_fully_answered": 1.0},
    # Labelled with the words a right reply contains, or `silent` (see bot/evaluate_text.py).
    "quotes-pinterest-dev": {"answered_from_text": 0.80, "silent_kept_silent": 0.97},
    "quotes-pinterest-test": {"answered_from_text": 0.55, "silent_kept_silent": 0.92},
    "round1/terse": {"in_scope_accuracy": 0.95, "oos_recall": 1.0},
    "round1/nonnative": {"in_scope_accuracy": 0.93, "oos_recall": 1.0},
    "round1/typos": {"in_scope_accuracy": 0.93, "oos_recall": 1.0},
    "round1/longwinded": {"in_scope_accuracy": 0.91, "oos_recall": 1.0},
    "round1/formal": {"in_scope_accuracy": 0.84, "oos_recall": 1.0},
    "round1/nurse": {"in_scope_accuracy": 0.82, "oos_recall": 1.0},
    "round1/warehouse": {"in_scope_accuracy": 0.86, "oos_recall": 1.0},
    "round1/intern": {"in_scope_accuracy": 0.89, "oos_recall": 1.0},
    "round2/rambling": {"in_scope_accuracy": 0.86, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round2/typos": {"in_scope_accuracy": 0.88, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round2/casual": {"in_scope_accuracy": 0.77, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round2/esl": {"in_scope_accuracy": 0.8, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round2/dental": {"in_scope_accuracy": 0.73, "oos_recall": 0.8},
    "round2/cook": {"in_scope_accuracy": 0.66, "oos_recall": 1.0},
    "round2/quotes-pinterest": {"answered_from_text": 0.57, "silent_kept_silent": 0.9},
    "round2/quotes-supervisor": {"answered_from_text": 0.64, "silent_kept_silent": 0.86},
    "round3/changer": {"in_scope_accuracy": 0.75, "oos_recall": 0.8, "multi_fully_answered": 0.5},
    "round3/phone": {"in_scope_accuracy": 0.86, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round3/hr": {"in_scope_accuracy": 0.8, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round3/blunt": {"in_scope_accuracy": 0.75, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round3/dental": {"in_scope_accuracy": 0.66, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round3/supervisor": {"in_scope_accuracy": 0.71, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round3/quotes-pinterest": {"answered_from_text": 0.55, "silent_kept_silent": 0.9},
    "round3/quotes-cook": {"answered_from_text": 0.29, "silent_kept_silent": 0.75},
    "round4/newgrad": {"in_scope_accuracy": 0.82, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round4/abroad": {"in_scope_accuracy": 0.73, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round4/slang": {"in_scope_accuracy": 0.84, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round4/dental": {"in_scope_accuracy": 0.6, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round4/cook": {"in_scope_accuracy": 0.44, "oos_recall": 1.0},
    "round4/supervisor": {"in_scope_accuracy": 0.6, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round4/quotes-pinterest": {"answered_from_text": 0.44, "silent_kept_silent": 0.9},
    "round4/quotes-dental": {"answered_from_text": 0.4, "silent_kept_silent": 0.85},
    "round5/student": {"in_scope_accuracy": 0.82, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round5/staff": {"in_scope_accuracy": 0.77, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round5/parent": {"in_scope_accuracy": 0.75, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round5/dental": {"in_scope_accuracy": 0.53, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round5/cook": {"in_scope_accuracy": 0.64, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round5/supervisor": {"in_scope_accuracy": 0.62, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round5/quotes-pinterest": {"answered_from_text": 0.36, "silent_kept_silent": 0.85},
    "round5/quotes-cook": {"answered_from_text": 0.25, "silent_kept_silent": 0.7},
    "round6/agency": {"in_scope_accuracy": 0.66, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round6/short": {"in_scope_accuracy": 0.95, "oos_recall": 0.6, "multi_fully_answered": 1.0},
    "round6/veteran": {"in_scope_accuracy": 0.77, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round6/dental": {"in_scope_accuracy": 0.68, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round6/cook": {"in_scope_accuracy": 0.55, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round6/supervisor": {"in_scope_accuracy": 0.51, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round6/quotes-dental": {"answered_from_text": 0.36, "silent_kept_silent": 0.85},
    "round6/quotes-supervisor": {"answered_from_text": 0.5, "silent_kept_silent": 0.64},
    "round7/cook-es": {"in_scope_accuracy": 0.46, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round7/dental-spanglish": {"in_scope_accuracy": 0.55, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round7/supervisor-es": {"in_scope_accuracy": 0.31, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round7/pinterest-esl": {"in_scope_accuracy": 0.84, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round8/pinterest-es": {"in_scope_accuracy": 0.62, "oos_recall": 0.8, "multi_fully_answered": 0.5},
    "round8/dental-es": {"in_scope_accuracy": 0.62, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round8/supervisor-spanglish": {
        "in_scope_accuracy": 0.53,
        "oos_recall": 1.0,
        "multi_fully_answered": 1.0,
    },
    "round8/cook-es-long": {"in_scope_accuracy": 0.42, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round8/supervisor-en": {"in_scope_accuracy": 0.66, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round9/pinterest-terse": {"in_scope_accuracy": 0.88, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round9/pinterest-longwinded": {
        "in_scope_accuracy": 0.71,
        "oos_recall": 0.8,
        "multi_fully_answered": 0.5,
    },
    "round9/dental-esl": {"in_scope_accuracy": 0.51, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round9/cook-typos": {"in_scope_accuracy": 0.6, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round9/supervisor-formal": {"in_scope_accuracy": 0.53, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round9/quotes-pinterest": {"answered_from_text": 0.57, "silent_kept_silent": 0.92},
    "round9/quotes-dental": {"answered_from_text": 0.38, "silent_kept_silent": 0.85},
    "round10/cook-newcomer": {"in_scope_accuracy": 0.62, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round10/dental-parent": {"in_scope_accuracy": 0.62, "oos_recall": 1.0},
    "round10/pinterest-international": {
        "in_scope_accuracy": 0.86,
        "oos_recall": 1.0,
        "multi_fully_answered": 1.0,
    },
    "round10/quotes-cook": {"answered_from_text": 0.28, "silent_kept_silent": 0.7},
    "round10/quotes-supervisor": {"answered_from_text": 0.13, "silent_kept_silent": 0.63},
    "round10/supervisor-blunt": {"in_scope_accuracy": 0.6, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round10/supervisor-mixed": {"in_scope_accuracy": 0.69, "oos_recall": 0.8, "multi_fully_answered": 0.5},
    "round11/cook-veteran": {"in_scope_accuracy": 0.42, "oos_recall": 1.0},
    "round11/dental-career-change": {
        "in_scope_accuracy": 0.57,
        "oos_recall": 1.0,
        "multi_fully_answered": 0.5,
    },
    "round11/dental-mixed": {"in_scope_accuracy": 0.71, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round11/pinterest-student": {"in_scope_accuracy": 0.91, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round11/quotes-cook": {"answered_from_text": 0.28, "silent_kept_silent": 0.78},
    "round11/quotes-pinterest": {"answered_from_text": 0.24, "silent_kept_silent": 0.99},
    "round11/supervisor-esl": {"in_scope_accuracy": 0.57, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round12/cook-esl": {"in_scope_accuracy": 0.49, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round12/dental-terse": {"in_scope_accuracy": 0.62, "oos_recall": 0.8, "multi_fully_answered": 0.5},
    "round12/pinterest-formal": {"in_scope_accuracy": 0.75, "oos_recall": 0.8, "multi_fully_answered": 0.5},
    "round12/pinterest-mixed": {"in_scope_accuracy": 0.8, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round12/quotes-dental": {"answered_from_text": 0.24, "silent_kept_silent": 0.7},
    "round12/quotes-supervisor": {"answered_from_text": 0.44, "silent_kept_silent": 0.63},
    "round12/supervisor-parent": {"in_scope_accuracy": 0.62, "oos_recall": 0.6, "multi_fully_answered": 0.5},
    "round13/quotes-cook": {"answered_from_text": 0.28, "silent_kept_silent": 0.85},
    "round13/quotes-dental": {"answered_from_text": 0.28, "silent_kept_silent": 0.85},
    "round13/quotes-pinterest": {"answered_from_text": 0.4, "silent_kept_silent": 0.99},
    "round13/quotes-supervisor": {"answered_from_text": 0.44, "silent_kept_silent": 0.7},
    "round14/cook-returner": {"in_scope_accuracy": 0.6, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round14/quotes-cook": {"answered_from_text": 0.36, "silent_kept_silent": 0.7},
    "round14/dental-anxious": {"in_scope_accuracy": 0.6, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round14/pinterest-british": {"in_scope_accuracy": 0.82, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round14/pinterest-negotiator": {
        "in_scope_accuracy": 0.73,
        "oos_recall": 1.0,
        "multi_fully_answered": 1.0,
    },
    "round14/quotes-pinterest": {"answered_from_text": 0.25, "silent_kept_silent": 0.92},
    "round14/supervisor-phone": {"in_scope_accuracy": 0.55, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round15/cook-student": {"in_scope_accuracy": 0.55, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round15/dental-returning": {"in_scope_accuracy": 0.57, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round15/quotes-dental": {"answered_from_text": 0.28, "silent_kept_silent": 0.85},
    "round15/pinterest-indian-english": {
        "in_scope_accuracy": 0.75,
        "oos_recall": 1.0,
        "multi_fully_answered": 1.0,
    },
    "round15/pinterest-skeptic": {"in_scope_accuracy": 0.75, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round15/quotes-supervisor": {"answered_from_text": 0.28, "silent_kept_silent": 0.63},
    "round15/supervisor-manager": {"in_scope_accuracy": 0.53, "oos_recall": 1.0},
    "round16/cook-spanish": {"in_scope_accuracy": 0.77, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round16/dental-graduate": {"in_scope_accuracy": 0.62, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round16/pinterest-bootcamp": {"in_scope_accuracy": 0.82, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round16/pinterest-parent": {"in_scope_accuracy": 0.75, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round16/quotes-cook": {"answered_from_text": 0.25, "silent_kept_silent": 0.78},
    "round16/quotes-pinterest": {"answered_from_text": 0.36, "silent_kept_silent": 0.92},
    "round16/supervisor-student": {"in_scope_accuracy": 0.75, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round17/cook-veteran": {"in_scope_accuracy": 0.55, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round17/pinterest-junior": {"in_scope_accuracy": 0.86, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round17/pinterest-plain": {"in_scope_accuracy": 0.91, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round17/pinterest-senior": {"in_scope_accuracy": 0.71, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round17/quotes-pinterest": {"answered_from_text": 0.55, "silent_kept_silent": 0.92},
    "round17/quotes-supervisor": {"answered_from_text": 0.32, "silent_kept_silent": 0.78},
    "round17/supervisor-parent": {"in_scope_accuracy": 0.68, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round18/cook-office-changer": {"in_scope_accuracy": 0.6, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round18/dental-vietnamese": {"in_scope_accuracy": 0.68, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round18/pinterest-careful": {"in_scope_accuracy": 0.77, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round18/pinterest-casual": {"in_scope_accuracy": 0.84, "oos_recall": 0.8, "multi_fully_answered": 1.0},
    "round18/quotes-dental": {"answered_from_text": 0.15, "silent_kept_silent": 1.0},
    "round18/quotes-pinterest": {"answered_from_text": 0.23, "silent_kept_silent": 0.92},
    "round18/supervisor-retired-teacher": {
        "in_scope_accuracy": 0.64,
        "oos_recall": 1.0,
        "multi_fully_answered": 1.0,
    },
    "round19/cook-young": {"in_scope_accuracy": 0.62, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round19/dental-bilingual": {"in_scope_accuracy": 0.68, "oos_recall": 0.6, "multi_fully_answered": 0.5},
    "round19/pinterest-everyday": {"in_scope_accuracy": 0.93, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round19/pinterest-switcher": {"in_scope_accuracy": 0.86, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round19/quotes-cook": {"answered_from_text": 0.4, "silent_kept_silent": 1.0},
    "round19/quotes-pinterest": {"answered_from_text": 0.4, "silent_kept_silent": 0.85},
    "round19/supervisor-night": {"in_scope_accuracy": 0.77, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    # Round 20, measured once on the code it was written after (docs/benchmarks.md), then kept.
    "round20/cook-career": {"in_scope_accuracy": 0.6, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round20/dental-newgrad": {"in_scope_accuracy": 0.66, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round20/pinterest-hurried": {"in_scope_accuracy": 0.88, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round20/pinterest-returner": {"in_scope_accuracy": 0.86, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round20/quotes-dental": {"answered_from_text": 0.1, "silent_kept_silent": 1.0},
    "round20/quotes-pinterest": {"answered_from_text": 0.45, "silent_kept_silent": 1.0},
    "round20/supervisor-retail": {"in_scope_accuracy": 0.62, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round21/cook-formal": {"in_scope_accuracy": 0.62, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round21/dental-parent": {"in_scope_accuracy": 0.64, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round21/pinterest-brazil": {"in_scope_accuracy": 0.72, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round21/pinterest-mobile": {"in_scope_accuracy": 0.86, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round21/quotes-pinterest": {"answered_from_text": 0.32, "silent_kept_silent": 1.0},
    "round21/quotes-supervisor": {"answered_from_text": 0.32, "silent_kept_silent": 0.82},
    "round21/supervisor-student": {"in_scope_accuracy": 0.68, "oos_recall": 1.0},
    "round22/cook-teen": {"in_scope_accuracy": 0.7, "oos_recall": 1.0, "multi_fully_answered": 0.5},
    "round22/dental-spanish": {"in_scope_accuracy": 0.66, "oos_recall": 0.8, "multi_fully_answered": 0.5},
    "round22/pinterest-parent": {"in_scope_accuracy": 0.78, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round22/pinterest-sre": {"in_scope_accuracy": 0.82, "oos_recall": 1.0, "multi_fully_answered": 1.0},
    "round22/quotes-cook": {"answered_from_text": 0.36, "silent_kept_silent": 0.76},
    "round22/quotes-pinterest": {"answered_from_text": 0.4, "silent_kept_silent": 0.9},
    "round22/supervisor-veteran": {"in_scope_accuracy": 0.56, "oos_recall": 1.0, "multi_fully_answered": 0.5},
}
# Answers naming an intent that was not asked, at most: the held-out set's two are questions built to look
# in scope ("how do I apply for a passport", "is remote desktop safe").
# Round 2's are in docs/benchmarks.md: an answer to the wrong one of two questions in a long message, and
# parking answered from benefits that list it. Some are a second intent answered beside the asked one
# ("rsus?? or just base" also gets the salary), since clauses nearly as clear as the whole are answered.
WRONG_ANSWERS = {
    "holdout-questions": 2,
    # A bare quote under a heading that names one of the question's two best intents answers as that intent,
    # led by the same quote (answer._filed_under). Nine replies now name an intent other than the label, each
    # led by the sentence the bare quote was: three skills questions ("do i need ACLS or just BLS?", "what
    # kinda knife skills u lookin for") lead the requirements with the line under "Requirements", as do two
    # on prior jobs labelled experience ("is being a cashier enough?"); four that mention applying ("need
    # EFDA to apply?", "can i talk to the chef before i apply") lead the how-to-apply answer with its line,
    # a quote as poor as it was bare.
    "round2/cook": 1,
    "round11/dental-mixed": 1,
    # A near miss led by a quote under a heading that names its intent answers with that intent: four
    # replies lead with the sentence asked about under an intent other than the label ("is a BLS card from
    # the Red Cross accepted?" quotes the BLS line under Requirements, labelled skills; "how many dentists
    # would I work with?" the line on whom you work alongside, labelled teams); "wat r the shift times"
    # quotes the 6 a.m. opening-shift line under the qualifications.
    "round1/nurse": 2,
    "round1/warehouse": 1,
    "round1/nonnative": 1,
    "round2/rambling": 3,
    "round2/typos": 1,
    "round2/esl": 2,
    "round2/dental": 2,
    "round3/changer": 3,
    "round3/hr": 3,
    "round3/blunt": 1,
    "round3/dental": 1,
    "round3/supervisor": 2,
    "round4/newgrad": 1,
    "round4/abroad": 4,
    "round4/slang": 2,
    "round4/dental": 3,
    "round4/cook": 3,
    "round4/supervisor": 1,
    "round5/staff": 4,
    "round5/parent": 1,
    "round5/dental": 6,
    "round5/cook": 3,
    "round5/supervisor": 2,
    "round6/agency": 1,
    "round6/short": 2,
    "round6/veteran": 2,
    "round6/dental": 2,
    "round6/supervisor": 2,
    # Before Spanish was read the Spanish sets got no wrong answer because they got no answer at all; the
    # one here is "tengo 17 años, puedo aplicar?" answered with how to apply, as "I'm 17, can I apply?" is.
    "round6/cook": 1,
    "round7/cook-es": 1,
    "round7/dental-spanglish": 4,
    "round7/pinterest-esl": 5,
    "round8/pinterest-es": 2,
    "round8/dental-es": 1,
    "round8/cook-es-long": 2,
    "round8/supervisor-en": 1,
    "round9/pinterest-longwinded": 5,
    "round9/dental-esl": 4,
    "round9/cook-typos": 4,
    "round9/supervisor-formal": 2,
    "round10/cook-newcomer": 5,
    "round10/dental-parent": 3,
    "round10/supervisor-blunt": 2,
    "round10/supervisor-mixed": 3,
    "round11/cook-veteran": 2,
    "round11/dental-career-change": 4,
    "round11/pinterest-student": 2,
    "round11/supervisor-esl": 2,
    "round12/cook-esl": 6,
    "round12/dental-terse": 4,
    "round12/pinterest-formal": 1,
    "round12/supervisor-parent": 4,
    "round14/cook-returner": 4,
    "round14/dental-anxious": 3,
    "round14/pinterest-negotiator": 2,
    "round14/supervisor-phone": 3,
    "round15/cook-student": 5,
    "round15/dental-returning": 6,
    "round15/supervisor-manager": 3,
    "round16/cook-spanish": 3,
    "round16/dental-graduate": 2,
    "round16/pinterest-parent": 1,
    "round16/supervisor-student": 3,
    "round17/cook-veteran": 2,
    "round17/pinterest-junior": 1,
    "round17/pinterest-plain": 1,
    "round17/pinterest-senior": 2,
    "round17/supervisor-parent": 1,
    "round18/cook-office-changer": 1,
    "round18/dental-vietnamese": 7,
    "round18/pinterest-careful": 3,
    "round18/pinterest-casual": 1,
    "round18/supervisor-retired-teacher": 2,
    "round19/cook-young": 5,
    "round19/dental-bilingual": 3,
    "round19/supervisor-night": 2,
    "round20/cook-career": 2,
    "round20/dental-newgrad": 5,
    "round20/pinterest-hurried": 1,
    "round20/supervisor-retail": 3,
    "round21/cook-formal": 3,
    "round21/dental-parent": 1,
    "round21/pinterest-brazil": 2,
    "round21/supervisor-student": 1,
    "round22/cook-teen": 2,
    "round22/dental-spanish": 3,
    "round22/pinterest-parent": 2,
    "round22/pinterest-sre": 1,
    "round22/supervisor-veteran": 3,
}


@pytest.mark.parametrize(
    ("name", "figure", "floor"),
    [(name, figure, floor) for name, floors in FLOORS.items() for figure, floor in floors.items()],
)
def test_accuracy_floor(name: str, figure: str, floor: float) -> None:
    figures = _figures(name)
    assert figures[figure] >= floor, (
        f"{name}: {figure} = {figures[figure]} < {floor}; misses:\n{_misses(figures)}"
    )


@pytest.mark.parametrize("name", [name for name in FLOORS if "quotes-" not in name])
def test_wrong_answers_ceiling(name: str) -> None:
    figures = _figures(name)
    ceiling = WRONG_ANSWERS.get(name, 0)
    assert figures["wrong_answers"] <= ceiling, f"{name}: wrong answers > {ceiling}:\n{_misses(figures)}"


def _misses(figures: dict[str, Any]) -> str:
    return "\n".join(
        f"  {e['question']!r}: expected {e['expected']}, got {e.get('predicted') or e['outcome']}"
        for e in figures["errors"]
    )


@functools.cache  # one eval process per set, however many figures are checked
def _figures(name: str) -> dict[str, Any]:
    if name.startswith("round"):
        knowledge: Path = ROOT / "eval" / name.split("/")[0] / "knowledge"
        options: list[str | Path] = ["--posting", POSTINGS.get(name, SEED), ROOT / "eval" / f"{name}.yaml"]
    else:
        knowledge, options = KNOWLEDGE, [ROOT / "eval" / f"{name}.yaml"]
    result = run_cli("eval", "--knowledge", knowledge, "--json", *options)
    assert result.returncode == 0, result.stderr
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures
