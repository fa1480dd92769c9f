"""The coordinator conversation, split along its seams:

- sender:   who is talking (a coordinator, a bound group's member, a stranger) and as which Actor
- replies:  every Thai text the OA answers with, and how a reply is sent (token, else push)
- context:  the open "report" / "not ours" context of a chat
- linking:  link codes sent in a chat
- postbacks: the card's buttons (รับเรื่อง, รายงานผล, ไม่ใช่หน่วยงานนี้, ปลอดภัยแล้ว, เสร็จสิ้น) and extension actions
- chat:     follow / unfollow / join / leave and free text
- media:    photos, files and locations

`line_oa.handlers.handle_event` routes a stored webhook event to them.
"""
