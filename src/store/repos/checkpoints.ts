// Training checkpoints: immutable rows pointing at a safetensors blob.
import Dexie from 'dexie';
import type { CheckpointRecord } from '../../domain/entities';
import { monotonicNow } from '../clock';
import { db } from '../db';
import { RecordNotFoundError } from '../errors';

export async function createCheckpoint(input: Omit<CheckpointRecord, 'id' | 'createdAt'>): Promise<CheckpointRecord> {
  const row: CheckpointRecord = { ...input, id: crypto.randomUUID(), createdAt: monotonicNow() };
  await db().checkpoints.add(row);
  return row;
}

export function getCheckpoint(id: string): Promise<CheckpointRecord | undefined> {
  return db().checkpoints.get(id);
}

export async function requireCheckpoint(id: string): Promise<CheckpointRecord> {
  const row = await db().checkpoints.get(id);
  if (!row) throw new RecordNotFoundError('checkpoint', id);
  return row;
}

/** A training's checkpoints in step order. */
export function checkpointsOf(trainingId: string): Promise<CheckpointRecord[]> {
  return db().checkpoints.where('[trainingId+step]').between([trainingId, Dexie.minKey], [trainingId, Dexie.maxKey]).toArray();
}

export function latestCheckpoint(trainingId: string): Promise<CheckpointRecord | undefined> {
  return db().checkpoints.where('[trainingId+step]').between([trainingId, Dexie.minKey], [trainingId, Dexie.maxKey]).last();
}

/** Deletes the row and returns it, so the caller can delete its blob. */
export async function deleteCheckpoint(id: string): Promise<CheckpointRecord | undefined> {
  const d = db();
  return d.transaction('rw', d.checkpoints, async () => {
    const row = await d.checkpoints.get(id);
    if (row) await d.checkpoints.delete(id);
    return row;
  });
}

/** Keeps the newest `keep` checkpoints of a training; returns the removed rows (their blobs are the caller's). */
export async function pruneCheckpoints(trainingId: string, keep: number): Promise<CheckpointRecord[]> {
  const d = db();
  return d.transaction('rw', d.checkpoints, async () => {
    const all = await checkpointsOf(trainingId);
    const removed = all.slice(0, Math.max(0, all.length - Math.max(0, keep)));
    await d.checkpoints.bulkDelete(removed.map((c) => c.id));
    return removed;
  });
}
