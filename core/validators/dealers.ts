import { z } from 'zod';
import { DEALER_STATUSES, DEALER_TIERS, DEALER_TYPES } from '../db/schema.ts';
import { idSchema, pageQuery, searchTerm } from './common.ts';

export const dealerListQuery = z.strictObject({
  q: searchTerm,
  region: idSchema.optional(),
  tier: z.enum(DEALER_TIERS).optional(),
  type: z.enum(DEALER_TYPES).optional(),
  status: z.enum(DEALER_STATUSES).optional(),
  parent: idSchema.optional(),
  ...pageQuery,
});
export type DealerListQuery = z.infer<typeof dealerListQuery>;

const contact = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name').max(120),
  role: z.string().trim().max(80).optional(),
  email: z.string().trim().email('Enter a valid email address').max(254).optional(),
  phone: z.string().trim().max(40).optional(),
  isPrimary: z.boolean().optional(),
});

const profileFields = {
  phone: z.string().trim().max(40).nullable().optional(),
  email: z.string().trim().email('Enter a valid email address').max(254).nullable().optional(),
  address: z.string().trim().max(300).nullable().optional(),
  contacts: z.array(contact).max(20, 'At most 20 contacts').optional(),
};

const dealerFields = {
  code: z.string().trim().min(1, 'Enter a code').max(40).regex(/^[A-Za-z0-9_.-]+$/, 'Letters, digits, dot, dash and underscore only'),
  name: z.string().trim().min(1, 'Enter a name').max(200),
  type: z.enum(DEALER_TYPES),
  tier: z.enum(DEALER_TIERS).default('bronze'),
  parentId: idSchema.nullable().optional(),
  segments: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  regionId: idSchema.nullable().optional(),
  territoryId: idSchema.nullable().optional(),
  city: z.string().trim().max(120).nullable().optional(),
  country: z.string().trim().length(2, 'Use the two-letter country code').nullable().optional(),
  lat: z.number().min(-90, 'Latitude is between -90 and 90').max(90, 'Latitude is between -90 and 90').nullable().optional(),
  lng: z.number().min(-180, 'Longitude is between -180 and 180').max(180, 'Longitude is between -180 and 180').nullable().optional(),
  status: z.enum(['active', 'prospect', 'suspended']).default('active'),
  creditLimit: z.number().int('Whole cents').min(0, 'Cannot be negative').max(1e12).default(0),
  ...profileFields,
};

export const dealerCreateBody = z.strictObject(dealerFields);
export type DealerCreateBody = z.infer<typeof dealerCreateBody>;

// Every field optional, no defaults: a PATCH changes only what it names.
export const dealerUpdateBody = z.strictObject({
  code: dealerFields.code.optional(),
  name: dealerFields.name.optional(),
  type: z.enum(DEALER_TYPES).optional(),
  tier: z.enum(DEALER_TIERS).optional(),
  parentId: dealerFields.parentId,
  segments: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
  regionId: dealerFields.regionId,
  territoryId: dealerFields.territoryId,
  city: dealerFields.city,
  country: dealerFields.country,
  lat: dealerFields.lat,
  lng: dealerFields.lng,
  status: z.enum(['active', 'prospect', 'suspended']).optional(),
  creditLimit: z.number().int('Whole cents').min(0, 'Cannot be negative').max(1e12).optional(),
  ...profileFields,
}).refine((v) => Object.keys(v).length > 0, { message: 'Name at least one field to change' });
export type DealerUpdateBody = z.infer<typeof dealerUpdateBody>;

// What a dealer's own admin may change about itself.
export const dealerProfileBody = z.strictObject(profileFields).refine((v) => Object.keys(v).length > 0, { message: 'Name at least one field to change' });
export type DealerProfileBody = z.infer<typeof dealerProfileBody>;
