-- PUT /v1/integrations/:id/enabled: a customer's switch, apart from `status` (which the
-- credentials decide: a relink sets it back to ACTIVE but must not re-enable a disabled
-- integration). A disabled integration takes no writes and no syncs.
ALTER TABLE integrations ADD COLUMN enabled boolean NOT NULL DEFAULT true;
