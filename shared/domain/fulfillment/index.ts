/**
 * NetSuite fulfillments and invoices, pure: reading the fulfillment CSV/JSON and the invoice report
 * row by row, NetSuite's date formats, and the lifecycle moves a reported shipment makes.
 */
export * from './netsuite-date.ts';
export * from './fulfillment-rows.ts';
export * from './invoice-rows.ts';
export * from './fulfillment-plan.ts';
