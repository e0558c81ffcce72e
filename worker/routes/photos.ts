import { Hono } from 'hono';
import type { AppEnv } from '../types.ts';

export const photosRoutes = new Hono<AppEnv>();
