"""The administrator's desk: users, audit log, retention, subject access, register, backup."""
