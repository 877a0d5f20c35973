// Deterministic simple-English sentences: the tokenizer's training corpus and the tiny datasets.
import { createPrng } from './prng';

const NAMES = ['Ada', 'Ben', 'Cleo', 'Dan', 'Eva', 'Finn', 'Gus', 'Hana'];
const ANIMALS = ['cat', 'dog', 'bird', 'fish', 'fox', 'horse', 'mouse', 'rabbit'];
const THINGS = ['ball', 'book', 'box', 'cup', 'hat', 'key', 'lamp', 'map'];
const PLACES = ['garden', 'house', 'park', 'river', 'school', 'shop', 'street', 'tree'];
const ADJECTIVES = ['big', 'small', 'red', 'blue', 'happy', 'sleepy', 'old', 'new', 'green', 'quiet'];
const VERBS = ['sees', 'likes', 'finds', 'wants', 'has', 'makes', 'reads', 'holds'];
const MOTIONS = ['runs', 'walks', 'jumps', 'sits', 'sleeps', 'plays'];
const TIMES = ['today', 'in the morning', 'at night', 'after lunch', 'on Monday', 'every day'];

export type Topic = 'animals' | 'things' | 'places';

export interface CorpusLine {
  text: string;
  topic: Topic;
}

/** `count` short sentences; the same seed always gives the same lines. */
export function tinyCorpus(count: number, seed = 7): CorpusLine[] {
  const rng = createPrng(seed);
  const lines: CorpusLine[] = [];
  const templates: (() => CorpusLine)[] = [
    () => ({ text: `The ${rng.pick(ADJECTIVES)} ${rng.pick(ANIMALS)} ${rng.pick(MOTIONS)} in the ${rng.pick(PLACES)}.`, topic: 'animals' }),
    () => ({ text: `${rng.pick(NAMES)} ${rng.pick(VERBS)} a ${rng.pick(ADJECTIVES)} ${rng.pick(THINGS)}.`, topic: 'things' }),
    () => ({ text: `The ${rng.pick(PLACES)} is ${rng.pick(ADJECTIVES)} ${rng.pick(TIMES)}.`, topic: 'places' }),
    () => ({
      text: `A ${rng.pick(ANIMALS)} ${rng.pick(VERBS)} the ${rng.pick(THINGS)}, and the ${rng.pick(ANIMALS)} ${rng.pick(MOTIONS)}.`,
      topic: 'animals',
    }),
    () => ({ text: `${rng.pick(NAMES)} said "I have ${1 + rng.int(9)} ${rng.pick(THINGS)}s" ${rng.pick(TIMES)}.`, topic: 'things' }),
    () => ({ text: `Is the ${rng.pick(THINGS)} in the ${rng.pick(PLACES)}? Yes, it is.`, topic: 'places' }),
  ];
  for (let i = 0; i < count; i++) lines.push(rng.pick(templates)());
  return lines;
}
