-- A login attempt is recorded before its password is checked, as a failure, and marked
-- ok once the password matched: attempts sent in parallel each see the ones before them,
-- so the lock after five failures cannot be raced.
ALTER TABLE login_attempts ADD COLUMN attempt TEXT;
CREATE INDEX login_attempts_attempt ON login_attempts (attempt);
