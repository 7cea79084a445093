import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

// Chapters live in content/chapters/<locale>/<slug>.mdx; the id is "<locale>/<slug>".
const chapters = defineCollection({
  loader: glob({ base: './content/chapters', pattern: '**/[^_]*.{md,mdx}' }),
  schema: z.object({
    title: z.string(),
    description: z.string(),
    order: z.number().int().nonnegative(),
    lab: z.string().optional(),
    draft: z.boolean().default(false),
  }),
});

export const collections = { chapters };
