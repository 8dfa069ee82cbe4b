-- The Message-ID of the Amazon message a stored e-mail forwards (from the
-- forwarded header block or the attached message/rfc822 part), when the
-- forward carries it. A second forward of the same Amazon message, with
-- another outer Message-ID, is then recognised as a duplicate. NULL when
-- unknown (several NULLs do not collide in the unique index).
ALTER TABLE inbound_mail_messages ADD COLUMN forwarded_message_id TEXT NULL;
CREATE UNIQUE INDEX ux_inbound_mail_messages_forwarded ON inbound_mail_messages (account_id, forwarded_message_id);
