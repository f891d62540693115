"""A local iMIS REST emulator (token, Party, Activity, CommunicationLogRecipient, Attachment) over SQLite.

See README.md in this folder for the routes, what is confirmed versus UNCONFIRMED, and the control API.
"""
