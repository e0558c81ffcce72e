import { Hono } from 'hono';
import type { AppEnv } from '../types.ts';

export const formsRoutes = new Hono<AppEnv>();
