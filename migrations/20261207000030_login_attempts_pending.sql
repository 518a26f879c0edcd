-- The login throttle counts an attempt before its password is checked: the row is written with
-- success NULL ("being checked") and settled to true/false afterwards, so parallel guesses see
-- each other. `device` is the SHA-256 (hex) of the browser's known-device cookie on successful
-- logins: a browser that logged in as a user recently is not slowed by others' failures.
ALTER TABLE login_attempts ALTER COLUMN success DROP NOT NULL;
ALTER TABLE login_attempts ADD COLUMN device TEXT;
