"""Signals between domain packages that must not import each other.

`progress_changed` is sent by cohorts when a trainer action changes what counts for a learner's progress
(attendance at a contact session); learning refreshes the enrolment's progress summary on it. So cohorts,
which learning builds on, never imports learning.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Enrollment; keyword `cause`: why, for the completion history.
progress_changed = _signals.signal("progress-changed")
