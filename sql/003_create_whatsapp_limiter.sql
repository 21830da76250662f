-- WhatsApp send slots, shared by every replica: the limiter hands out one slot per send so no two
-- sends from one Evolution instance fall inside the minimum gap or past the per-minute and per-day
-- caps, whichever replica sends them. A direct send's slot also records its outcome, so a repeated
-- identical request (Dify re-sends POSTs; agents repeat themselves) returns the first result.

-- One row per Evolution instance; a reservation locks it (select … for update), which serialises
-- reservations across replicas.
create table whatsapp_limiter_instances (
  instance text primary key,
  created_at timestamptz not null default now()
);

-- One row per reserved send. Per instance, slot_at only grows (each new slot is at least the minimum
-- gap after the latest one), so "the Nth most recent slot" decides the sliding-window caps.
create table whatsapp_send_slots (
  id bigint generated always as identity primary key,
  instance text not null references whatsapp_limiter_instances (instance),
  slot_at timestamptz not null,
  -- The scheduled occurrence holding this slot until it sends (`<job id>@<due time>`); null once
  -- the send started, and for direct sends.
  holder text,
  -- Direct sends only: sha256 of (API key name, number, text) and how the send went.
  request_hash text,
  outcome text check (outcome in ('sending', 'sent', 'uncertain')),
  message_id text,
  created_at timestamptz not null default now()
);

create index whatsapp_send_slots_instance_idx on whatsapp_send_slots (instance, slot_at desc);
create unique index whatsapp_send_slots_holder_key on whatsapp_send_slots (instance, holder)
  where holder is not null;
create index whatsapp_send_slots_request_idx on whatsapp_send_slots (instance, request_hash, created_at desc)
  where request_hash is not null;
