-- Location-scoped managers and receptionists: the locations a member works at. Null means every location
-- (owners, staff, customers and every member until an owner narrows them); a list holds the business's
-- location ids (checked by the team API, which knows them through catalog's port: no foreign key can say
-- "each element is a location of this tenant"). An empty list is not stored: it would mean "nowhere".
alter table memberships add column location_ids uuid[];
alter table memberships
  add constraint memberships_location_ids_not_empty check (location_ids is null or cardinality(location_ids) > 0);
