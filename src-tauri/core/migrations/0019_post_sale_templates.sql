-- Post-sale quick replies beside the question ones, and what their order variables need: the
-- buyer's first name (when Mercado Libre gives it with the order), the shipment's tracking
-- number, carrier and estimated delivery.
ALTER TABLE reply_templates ADD COLUMN kind TEXT NOT NULL DEFAULT 'question';
ALTER TABLE buyers ADD COLUMN first_name TEXT;
ALTER TABLE shipments ADD COLUMN tracking_number TEXT;
ALTER TABLE shipments ADD COLUMN carrier TEXT;
ALTER TABLE shipments ADD COLUMN estimated_delivery TEXT;
