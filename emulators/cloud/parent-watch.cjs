// Preloaded (node --require) into every bundle process the Cloud driver starts. The driver holds this
// process's stdin pipe; when the driver's process goes away, even killed without cleaning up, the pipe
// closes and this process ends instead of living on as an orphan.
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
