// A region label in its colour. One colour per region everywhere (hard, boundary, mastered).
import { REGION_COLORS, type RegionName } from "../charts/colors";
import styles from "./dashboard.module.css";

export function RegionChip({ region, title }: { region: RegionName; title?: string }) {
  return (
    <span className={styles.regionChip} style={{ background: REGION_COLORS[region] }} title={title}>
      {region}
    </span>
  );
}
