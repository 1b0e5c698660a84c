"use client";

/** Opens the browser's print dialog (the page's print stylesheet puts one sheet per page). */
export function PrintButton({ label = "Print" }: { label?: string }) {
  return (
    <button type="button" className="primary no-print" onClick={() => window.print()}>
      {label}
    </button>
  );
}
