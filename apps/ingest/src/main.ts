// Composition root of the ingest (filled in by its own issue).
console.log(JSON.stringify({ name: 'ingest', msg: 'not implemented yet' }));
