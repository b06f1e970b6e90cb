"""Read models that the screens, the command line and the exports share: what a case
means, and how it is worded, from one clock.

- progress: how far the checklists are answered (one way of counting), walking a target
- next_steps: what the facilitator should do next
- sections: the guidance sections with a tab of their own (D, A 3(b)), by checklist id
- deadlines: what is due, and whether it is overdue, due today or in so many days
- flags: raised flags, their explanations, and the flags an answer newly raises
- labels, dates: every label, and every date format (the facilitator's local days)
- summary: the case list's row
"""
