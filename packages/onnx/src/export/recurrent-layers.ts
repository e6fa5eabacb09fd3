export function registerRecurrentExporters(): void {}
