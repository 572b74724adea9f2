-- Onboarding uses the launch checklist machinery: the template holds a checklist per
-- kind ('launch' or 'onboarding'; an onboarding item's gate is its stage: applied 1 ...
-- launch 6), and each applicant gets its own copy of the onboarding items.
ALTER TABLE launch_template ADD COLUMN checklist TEXT NOT NULL DEFAULT 'launch' CHECK (checklist IN ('launch', 'onboarding'));
INSERT INTO launch_template (gate, title, mandatory, checklist) VALUES
    (1, 'Application form and company details complete', TRUE, 'onboarding'),
    (1, 'Introductory call held', FALSE, 'onboarding'),
    (2, 'Mandatory documents uploaded', TRUE, 'onboarding'),
    (3, 'Documents verified by the program team', TRUE, 'onboarding'),
    (3, 'Site and background check done', TRUE, 'onboarding'),
    (4, 'Agreement signed by both sides', TRUE, 'onboarding'),
    (5, 'Bank guarantee received and recorded', TRUE, 'onboarding'),
    (6, 'Launch at the first station opened', TRUE, 'onboarding');
CREATE TABLE onboarding_items (
    id        BIGSERIAL PRIMARY KEY,
    partner   TEXT NOT NULL REFERENCES onboarding (partner),
    gate      BIGINT NOT NULL,
    title     TEXT NOT NULL,
    mandatory BOOLEAN NOT NULL,
    owner     TEXT NOT NULL DEFAULT '',
    evidence  TEXT NOT NULL DEFAULT '',
    file_sha  TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    file_type TEXT NOT NULL DEFAULT '',
    done_by   TEXT NOT NULL DEFAULT '',
    done_at   TIMESTAMPTZ
);
CREATE INDEX onboarding_items_partner ON onboarding_items (partner);
-- Applicants already here get the checklist too, the items of the stages they have
-- left marked done as of their application (they moved on before checklists existed).
INSERT INTO onboarding_items (partner, gate, title, mandatory, evidence, done_by, done_at)
SELECT o.partner, t.gate, t.title, t.mandatory,
       CASE WHEN t.gate < r.at_gate THEN 'passed before the checklist existed' ELSE '' END,
       CASE WHEN t.gate < r.at_gate THEN 'system' ELSE '' END,
       CASE WHEN t.gate < r.at_gate THEN o.created_at ELSE NULL END
FROM onboarding o
JOIN (SELECT partner, MAX(CASE stage WHEN 'applied' THEN 1 WHEN 'documents' THEN 2
        WHEN 'verification' THEN 3 WHEN 'agreement' THEN 4 WHEN 'bank_guarantee' THEN 5
        ELSE 6 END) AS at_gate
      FROM onboarding_stages GROUP BY partner) r ON r.partner = o.partner
CROSS JOIN launch_template t
WHERE t.checklist = 'onboarding'
ORDER BY o.partner, t.gate, t.id;
