/**
 * The experiments list's search box: an experiment matches when its name or
 * description holds every whitespace-separated word of the query, in any
 * order and case ("mlp lr" finds "LR sweep for the MLP").
 */
export function matchesExperiment(e: { name: string; description: string }, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const text = `${e.name}\n${e.description}`.toLowerCase();
  return words.every((w) => text.includes(w));
}
