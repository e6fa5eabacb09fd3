export function registerAttentionExporters(): void {}
