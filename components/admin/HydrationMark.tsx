"use client";

import { useEffect } from "react";

/** Marks the page as hydrated (`<body data-hydrated>`): tests wait for it before filling forms React would reset. */
export function HydrationMark() {
  useEffect(() => {
    document.body.dataset.hydrated = "1";
  }, []);
  return null;
}
